import Foundation
import Synchronization

/// Any destination with its uploads held to `rate_limit`: one token bucket shared by every concurrent
/// `put`, each paying for its object's size before it is sent. The rate holds on average over each
/// object (a chunk, a manifest); a single object goes at the line's speed once paid for, so a smooth
/// line wants chunks small against the rate. Reads, listings and removals are not limited.
package final class RateLimitedDestination: Destination {
    package let base: Destination
    private let bucket: Mutex<TokenBucket>
    private let clock: @Sendable () -> Double
    private let sleep: @Sendable (Double) async throws -> Void

    /// `bytesPerSecond` across all uploads; up to one second of unused rate may be saved up.
    package convenience init(_ base: Destination, bytesPerSecond: Int64) {
        self.init(
            base, bytesPerSecond: bytesPerSecond,
            clock: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 },
            sleep: { seconds in try await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) })
    }

    package init(
        _ base: Destination, bytesPerSecond: Int64, clock: @escaping @Sendable () -> Double,
        sleep: @escaping @Sendable (Double) async throws -> Void
    ) {
        self.base = base
        self.clock = clock
        self.sleep = sleep
        let rate = Double(max(1, bytesPerSecond))
        bucket = Mutex(TokenBucket(rate: rate, burst: rate, now: clock()))
    }

    package var name: String { base.name }

    private func pay(_ bytes: Int64) async throws {
        let now = clock()
        let wait = bucket.withLock { $0.take(bytes, now: now) }
        if wait > 0 { try await sleep(wait) }
    }

    package func put(_ key: String, fromFile path: String) async throws {
        var st = stat()
        try await pay(stat(path, &st) == 0 ? Int64(st.st_size) : 0)
        try await base.put(key, fromFile: path)
    }

    package func put(_ key: String, fromFile path: String, sha256: String) async throws {
        var st = stat()
        try await pay(stat(path, &st) == 0 ? Int64(st.st_size) : 0)
        try await base.put(key, fromFile: path, sha256: sha256)
    }

    package func put(_ key: String, bytes: [UInt8]) async throws {
        try await pay(Int64(bytes.count))
        try await base.put(key, bytes: bytes)
    }

    @discardableResult
    package func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws
        -> Int64
    {
        try await base.read(key, offset: offset, consumer: consumer)
    }

    package func size(_ key: String) async throws -> Int64? { try await base.size(key) }
    package func list(prefix: String) async throws -> [String] { try await base.list(prefix: prefix) }
    package func listFolders(prefix: String) async throws -> [String] { try await base.listFolders(prefix: prefix) }
    package func remove(_ key: String) async throws { try await base.remove(key) }
}
