import LifeboatCore
import Synchronization
import Testing

/// The permits `copy` reads and writes under: never more holders than permits, every waiter served,
/// and a cancelled waiter stops waiting without taking a permit.
@Suite struct AsyncPermitsTests {
    /// How many hold a permit now, the most that ever did, and how many are done.
    final class Tally: Sendable {
        let state = Mutex((now: 0, most: 0, done: 0))
    }

    @Test func neverMoreHoldersThanPermitsAndEveryWaiterIsServed() async throws {
        let permits = AsyncPermits(3)
        let counts = Tally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await permits.withPermit {
                        counts.state.withLock { c in
                            c.now += 1
                            c.most = max(c.most, c.now)
                        }
                        try await Task.sleep(for: .milliseconds(2))
                        counts.state.withLock { c in
                            c.now -= 1
                            c.done += 1
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let c = counts.state.withLock { $0 }
        #expect(c.most == 3)
        #expect(c.done == 40)
    }

    @Test func aCancelledWaiterStopsWaitingAndTakesNoPermit() async throws {
        let permits = AsyncPermits(1)
        try await permits.acquire()
        let waiter = Task { try await permits.acquire() }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        // The one permit is still ours: giving it back lets the next taker in at once.
        permits.release()
        try await permits.acquire()
        permits.release()
    }

    @Test func aTaskCancelledBeforeItAsksGetsNoPermit() async throws {
        let permits = AsyncPermits(1)
        try await permits.acquire()
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await permits.acquire()
        }
        await #expect(throws: CancellationError.self) { try await waiter.value }
        permits.release()
        try await permits.acquire()
    }
}
