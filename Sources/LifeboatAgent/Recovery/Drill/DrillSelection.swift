import Foundation
import LifeboatCore

/// Which policies a drill run takes, decided from what is known without side effects, so it is tested
/// with a fixed clock: the names given on the command line, or the due ones for the recovery host's timer.
package enum DrillSelection {
    /// The drill interval a policy gets when its backup does not say (`drill: every 30d`).
    package static let defaultInterval: TimeInterval = 30 * 86_400

    /// A policy is due when it was never drilled, or its last drill started at least `interval` ago.
    package static func isDue(lastDrill: Date?, interval: TimeInterval?, now: Date) -> Bool {
        guard let lastDrill else { return true }
        return now.timeIntervalSince(lastDrill) >= (interval ?? defaultInterval)
    }

    /// The entries whose drill is due: the interval comes from the trusted latest.json's objectives.
    package static func due(_ entries: [FleetEntry], now: Date) -> [FleetEntry] {
        entries.filter {
            isDue(
                lastDrill: $0.lastDrill?.started, interval: $0.latest.map { TimeInterval($0.objectives.drill) },
                now: now)
        }
    }

    /// `HOST/POLICY` from the command line, checked (exit 64 otherwise).
    package static func parse(_ argument: String) throws -> (host: String, policy: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, FleetName.isHost(parts[0]), FleetName.isPolicy(parts[1]) else {
            throw LifeboatError(.usage, "\(argument.debugDescription): name a drill as HOST/POLICY (e.g. db1/orders)")
        }
        return (parts[0], parts[1])
    }
}

/// How a drill ended against its RTO: what the line says and what the exit code counts.
package enum DrillVerdict: String, Sendable, Codable {
    /// Restored, proven, and within its RTO (or no RTO to meet).
    case passed
    /// Restored and proven, but slower than its RTO.
    case slow
    /// Could not be restored or proven.
    case failed

    /// The verdict of a drill that took `seconds`, held to `rto` seconds (nil: no RTO).
    package static func judge(proven: Bool, seconds: Double, rto: Double?) -> DrillVerdict {
        guard proven else { return .failed }
        if let rto, seconds > rto { return .slow }
        return .passed
    }

    /// The exit code of a run: 0 when every drill passed within its RTO, 1 otherwise.
    package static func exitCode(_ verdicts: [DrillVerdict]) -> Int32 {
        verdicts.allSatisfy { $0 == .passed } ? 0 : 1
    }
}
