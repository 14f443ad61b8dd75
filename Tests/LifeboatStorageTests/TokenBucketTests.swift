import LifeboatStorage
import Synchronization
import Testing

/// `rate_limit`: the bucket's arithmetic, and the wrapper keeping concurrent uploads to the rate.
@Suite struct TokenBucketTests {
    @Test func startsEmptySoTheFirstBytesAlreadyPay() {
        var b = TokenBucket(rate: 1000, burst: 1000, now: 0)
        #expect(b.take(500, now: 0) == 0.5)
    }

    @Test func concurrentTakersQueueBehindEachOther() {
        var b = TokenBucket(rate: 100, burst: 100, now: 0)
        // Four uploads of 100 bytes asked for at once: they may start at 1 s, 2 s, 3 s and 4 s.
        let waits = (0..<4).map { _ in b.take(100, now: 0) }
        #expect(waits == [1, 2, 3, 4])
    }

    @Test func idleTimeSavesUpAtMostTheBurst() {
        var b = TokenBucket(rate: 100, burst: 100, now: 0)
        #expect(b.take(0, now: 60) == 0)
        #expect(b.tokens == 100)
        #expect(b.take(150, now: 60) == 0.5)
    }

    @Test func aClockThatStepsBackDoesNotMintTokens() {
        var b = TokenBucket(rate: 100, burst: 100, now: 10)
        #expect(b.take(100, now: 5) == 1)
        #expect(b.last == 10)
    }

    /// A simulated clock: each sleep advances it, so the total time is what the limit makes it.
    final class FakeClock: Sendable {
        let now = Mutex(0.0)
    }

    @Test func wrapperHoldsEveryUploadToTheRate() async throws {
        let clock = FakeClock()
        let base = PutCountingStub()
        let limited = RateLimitedDestination(
            base, bytesPerSecond: 1 << 20, clock: { clock.now.withLock { $0 } },
            sleep: { s in clock.now.withLock { $0 += s } })
        for i in 0..<10 { try await limited.put("k\(i)", bytes: [UInt8](repeating: 0, count: 1 << 19)) }
        // 5 MiB at 1 MiB/s: 5 s, whatever the sends themselves take.
        #expect(clock.now.withLock { $0 } == 5)
        #expect(base.puts.withLock { $0 } == 10)
        _ = try await limited.readAll("k0")
        #expect(clock.now.withLock { $0 } == 5)
    }
}

/// A destination that only counts puts (the rate wrapper is what is under test).
final class PutCountingStub: Destination {
    let puts = Mutex(0)
    var name: String { "stub" }
    func put(_ key: String, fromFile path: String) async throws { puts.withLock { $0 += 1 } }
    func put(_ key: String, bytes: [UInt8]) async throws { puts.withLock { $0 += 1 } }
    func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws -> Int64 {
        0
    }
    func size(_ key: String) async throws -> Int64? { nil }
    func list(prefix: String) async throws -> [String] { [] }
    func listFolders(prefix: String) async throws -> [String] { [] }
    func remove(_ key: String) async throws {}
}
