import Synchronization

/// The last log lines of this process, kept in memory so a failure's heartbeat can carry them (a
/// healthchecks-style `/fail` ping with its body): the alert then says why without a login to the host.
package final class LogTail: Sendable {
    /// The process's one tail, filled by the command line's log handler.
    package static let shared = LogTail(capacity: 40)

    private let capacity: Int
    private let state = Mutex<[String]>([])

    package init(capacity: Int) { self.capacity = max(1, capacity) }

    package func append(_ line: String) {
        state.withLock { lines in
            lines.append(line)
            if lines.count > capacity { lines.removeFirst(lines.count - capacity) }
        }
    }

    /// The kept lines, oldest first.
    package var lines: [String] { state.withLock { $0 } }
}
