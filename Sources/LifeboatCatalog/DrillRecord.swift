import Foundation

/// One drill as the recovery catalog keeps it: which backup was restored, how long the whole restore
/// took against the RTO it was held to, and what went wrong if it failed.
package struct DrillRecord: Sendable, Equatable, Codable {
    /// How a drill ended.
    package enum Result: String, Sendable, Codable {
        /// Restored and proven (digest, then the kind's own check).
        case passed
        /// Something failed: `error` says what.
        case failed
    }

    package var host: String
    package var policy: String
    /// The backup restored; nil when the drill failed before one was chosen.
    package var backupID: String?
    package var started: Date
    package var finished: Date
    package var result: Result
    /// The whole restore: fetch, verify, decrypt, inflate, load and the kind's check.
    package var seconds: Double
    /// Plaintext bytes restored.
    package var bytes: Int64
    /// The RTO the drill was held to (from the backup's manifest), in seconds; nil when none was known.
    package var rtoSeconds: Double?
    /// What the kind's check found (`4 tables, 1,200 rows`, `integrity_check ok`).
    package var detail: String
    package var error: String?

    package init(
        host: String, policy: String, backupID: String?, started: Date, finished: Date, result: Result,
        seconds: Double, bytes: Int64, rtoSeconds: Double?, detail: String, error: String?
    ) {
        self.host = host
        self.policy = policy
        self.backupID = backupID
        self.started = started
        self.finished = finished
        self.result = result
        self.seconds = seconds
        self.bytes = bytes
        self.rtoSeconds = rtoSeconds
        self.detail = detail
        self.error = error
    }

    /// Passed, and within its RTO (or no RTO to meet).
    package var metRTO: Bool {
        result == .passed && (rtoSeconds.map { seconds <= $0 } ?? true)
    }
}
