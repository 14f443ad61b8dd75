import Foundation
import LifeboatCatalog

/// One drill as the command reports it: the record kept in the recovery catalog, its verdict against
/// the RTO, and what the digest step said.
package struct DrillOutcome: Sendable {
    package var record: DrillRecord
    package var verdict: DrillVerdict
    /// `payload sha256 and size match the manifest`, or why the backup carries none to compare.
    package var digest: String?

    package init(record: DrillRecord, verdict: DrillVerdict, digest: String?) {
        self.record = record
        self.verdict = verdict
        self.digest = digest
    }

    package var name: String { "\(record.host)/\(record.policy)" }
}
