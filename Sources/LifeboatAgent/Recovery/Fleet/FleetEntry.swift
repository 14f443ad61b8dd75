import Foundation
import LifeboatCatalog
import LifeboatCore

/// One policy of one host as the recovery host sees it from the destinations alone: the newest
/// `latest.json` a trusted signer vouched for, where it was found, what was refused on the way, and
/// the recovery host's own last drill of it. `fleet` judges it, `plan` prints it.
package struct FleetEntry: Sendable {
    package var host: String
    package var policy: String
    /// The newest accepted index across every destination; nil when none was found or none was trusted.
    package var latest: LatestIndex?
    /// The destinations whose accepted index names `latest.id` (the copies a recovery can start from).
    package var holding: [String]
    /// Why an index was not accepted at a destination, one line each (`nas: latest.json is not signed`).
    package var problems: [String]
    /// The newest drill the recovery host ran of this policy.
    package var lastDrill: DrillRecord?
    /// The newest drill of this policy that passed (the same as `lastDrill` unless that one failed).
    package var lastPassedDrill: DrillRecord?
    /// The policy's archived WAL or binary logs as `fleet` found them; nil when it keeps none (or when
    /// the entry was read for a drill or a plan, which do not look).
    package var archive: FleetArchive?

    package init(
        host: String, policy: String, latest: LatestIndex?, holding: [String], problems: [String],
        lastDrill: DrillRecord?
    ) {
        self.host = host
        self.policy = policy
        self.latest = latest
        self.holding = holding
        self.problems = problems
        self.lastDrill = lastDrill
    }

    /// `host/policy`, as drills name it on the command line.
    package var name: String { "\(host)/\(policy)" }
}
