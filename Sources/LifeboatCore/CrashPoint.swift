import Foundation
import Synchronization

/// Named places where a debug build can kill its own process with SIGKILL, so the crash campaign
/// (scripts/e2e/crash_campaign.sh) stops a backup, shipment, prune or restore at exactly one point and
/// checks what the next run makes of it. `LIFEBOAT_CRASH_AT=NAME` kills at the first pass through
/// NAME, `NAME#N` at the N-th. Release builds compile the hook to nothing, so the code path a crash
/// test exercises is the one that runs in production, minus the kill.
package enum CrashPoint {
    #if DEBUG
        private static let target: (name: String, count: Int)? = {
            guard let raw = getenv("LIFEBOAT_CRASH_AT").map({ String(cString: $0) }), !raw.isEmpty else { return nil }
            let parts = raw.split(separator: "#", maxSplits: 1)
            return (String(parts[0]), parts.count == 2 ? Int(parts[1]) ?? 1 : 1)
        }()
        private static let passes = Mutex(0)
    #endif

    /// Marks a point; kills the process here when the campaign asked for it.
    @inline(__always)
    package static func hit(_ name: String) {
        #if DEBUG
            guard let target, target.name == name else { return }
            let n = passes.withLock { count in
                count += 1
                return count
            }
            if n == target.count { kill(getpid(), SIGKILL) }
        #endif
    }
}
