import Synchronization

/// A fixed number of permits for work that must not all run at once, taken and given back by tasks
/// (an asynchronous counting semaphore). Lets one pipeline stage run ahead of the next without either
/// running more at a time than a destination allows: `copy` downloads the next chunks while the last
/// ones upload. A task waiting for a permit that is cancelled stops waiting with `CancellationError`.
package final class AsyncPermits: Sendable {
    private struct State {
        var free: Int
        var waiting: [(id: UInt64, continuation: CheckedContinuation<Void, Error>)] = []
        /// Waiters cancelled before they were queued.
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    package init(_ count: Int) {
        state = Mutex(State(free: max(1, count)))
    }

    /// Waits for a permit; throws `CancellationError` when the task is cancelled while waiting.
    package func acquire() async throws {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                let outcome = state.withLock { s -> Bool? in
                    if s.cancelled.remove(id) != nil { return false }
                    if s.free > 0 {
                        s.free -= 1
                        return true
                    }
                    s.waiting.append((id, c))
                    return nil
                }
                switch outcome {
                case true?: c.resume()
                case false?: c.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Error>? in
                if let i = s.waiting.firstIndex(where: { $0.id == id }) { return s.waiting.remove(at: i).continuation }
                s.cancelled.insert(id)
                return nil
            }
            waiter?.resume(throwing: CancellationError())
        }
        // A permit taken by a task cancelled just after: the caller gets it and gives it back as usual.
        state.withLock { s in _ = s.cancelled.remove(id) }
    }

    /// Gives a permit back, to the longest waiter if there is one.
    package func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Error>? in
            if s.waiting.isEmpty {
                s.free += 1
                return nil
            }
            return s.waiting.removeFirst().continuation
        }
        next?.resume()
    }

    /// Runs `body` holding a permit.
    package func withPermit<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }
}
