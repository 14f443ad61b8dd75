import LifeboatCore

extension Policy {
    /// The objectives as a manifest and `latest.json` carry them: whole seconds, the schedule as the
    /// scheduler uses it (set or derived from the RPO), and the drill interval.
    package var manifestObjectives: Manifest.Objectives {
        Manifest.Objectives(
            rpo: objectives.rpo.seconds, rto: objectives.rto?.seconds, priority: objectives.priority.rawValue,
            scenario: objectives.scenario, schedule: interval.seconds, drill: drill.seconds)
    }
}
