import LifeboatCore

/// What copying one backup from one destination to another did: the line `copy` prints and the
/// object `copy --json` writes, and what `run` reports of a backfill.
package struct CopyOutcome: Sendable, Equatable {
    /// How the copy ended.
    package enum Result: String, Sendable, Equatable {
        /// Chunks, signature and manifest are at the target now.
        case copied
        /// The target already held all of it: nothing was sent.
        case present
        /// The copy stopped; nothing of it counts as complete at the target.
        case failed
    }

    package let policy: String
    package let id: BackupID
    package let from: String
    package let to: String
    package var result: Result = .failed
    package var chunks = 0
    /// Chunks sent to the target in this call.
    package var chunksSent = 0
    /// Chunks found whole at the target (right size and sha256) and not sent again.
    package var chunksPresent = 0
    package var bytesSent: Int64 = 0
    package var seconds: Double = 0
    package var error: String?
    /// The copy failed because a destination could not be reached or refused a request (not because
    /// of what it holds): the next backup between the same two would fail the same way.
    package var unreachable = false

    package init(policy: String, id: BackupID, from: String, to: String) {
        self.policy = policy
        self.id = id
        self.from = from
        self.to = to
    }
}
