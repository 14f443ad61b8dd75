import Foundation

/// Runs blocking work (a backup's spool pipeline with its database lock session, a restore's decrypting
/// sink) on a thread of its own, so it never holds one of the few threads of Swift's cooperative pool,
/// which the shipping, retry timers and HTTP client need meanwhile.
package enum BlockingWork {
    /// Calls `body` on a new thread and returns (or throws) what it returns, without blocking the caller's thread.
    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            // The tar walker and the OpenPGP parser recurse a little; give them the main thread's room.
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
