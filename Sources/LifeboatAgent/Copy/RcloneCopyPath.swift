import LifeboatStorage

/// A copy into an rclone destination from a source rclone can read by itself (an S3 bucket, a local
/// folder, a remote of the same config): each chunk is then copied by the target's rclone daemon alone,
/// one process reading and writing the bytes, as `rclone copy` does, instead of Lifeboat reading the
/// chunk and handing it on through a second hop. rclone hashes the bytes it writes and the copier holds
/// that sha256 to the signed manifest's, so the check is the same as on the other path.
///
/// Used only where it changes nothing else the policy asks for: no `rate_limit` on the target (the
/// token bucket is Lifeboat's) and deletes allowed there (a chunk that lands damaged is removed).
struct RcloneCopyPath: Sendable {
    let target: RcloneDestination
    let source: RcloneSource
    /// The target's retries.
    let retrier: Retrier

    /// The path between `source` and `target`, or nil when one of them is out of rclone's reach.
    init?(source: Destination, target: Destination, retrier: Retrier) {
        guard let target = target as? RcloneDestination, let readable = source as? any RcloneReadable,
            let from = readable.rcloneSource, target.canCopyIn(from: from)
        else { return nil }
        self.target = target
        self.source = from
        self.retrier = retrier
    }

    /// Starts the daemon and makes both ends' file systems, while the source's manifest is checked.
    func prepare() async { await target.prepareCopyIn(from: source) }

    /// Copies `key` in, retried as the target's writes are.
    func copy(_ key: String) async throws -> RcloneDestination.Landed {
        try await retrier.run("copy \(key)") { try await target.copyIn(from: source, key: key) }
    }
}
