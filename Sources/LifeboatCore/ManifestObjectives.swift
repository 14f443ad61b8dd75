extension Manifest {
    /// The policy's recovery objectives as a backup carries them, so a recovery host that holds
    /// nothing but what is at the destinations knows what each backup must meet and how often to
    /// drill it. Durations are whole seconds.
    package struct Objectives: Codable, Sendable, Equatable {
        /// A scenario longer than this is refused by the config and by every reader.
        package static let maximumScenarioBytes = 4096
        /// The priorities a policy may name.
        package static let priorities: Set<String> = ["high", "medium", "low"]

        /// How much data may be lost, in seconds.
        package var rpo: Int64
        /// How long recovery may take, in seconds; nil when the policy sets none.
        package var rto: Int64?
        /// `high`, `medium` or `low`.
        package var priority: String
        /// The disaster the policy is written against; nil when the policy names none.
        package var scenario: String?
        /// The time between backups in seconds: the policy's schedule, or the one derived from the RPO.
        package var schedule: Int64
        /// How often a restore of this policy should be drilled, in seconds.
        package var drill: Int64

        package init(rpo: Int64, rto: Int64?, priority: String, scenario: String?, schedule: Int64, drill: Int64) {
            self.rpo = rpo
            self.rto = rto
            self.priority = priority
            self.scenario = scenario
            self.schedule = schedule
            self.drill = drill
        }
    }
}
