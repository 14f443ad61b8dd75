import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatStorage
import Logging

/// Ships a policy's sealed WAL from the spool to each destination, oldest first: the message, then
/// its signature (the signature's presence is what makes a file archived there). One attempt per
/// file and destination, no retry loop: `archive_command` must not hang on a destination that is
/// down; a destination that fails is left for the next push or `run`. A file leaves the spool once
/// every destination holds it.
///
/// One pass at a time per spool: a pass holds an exclusive flock on `<spool>/.locks/wal-<policy>.lock`
/// (beside the policy locks, so the WAL spool itself holds only WAL), so a
/// `wal-push` and a `run` (or the push PostgreSQL started next) never send the same file at once nor
/// race to remove it. A `wal-push` that finds the lock held does not wait (its file is durably spooled
/// already and the pass under way, or the next one, ships it); `run` waits for the push to finish.
package struct WALShipper {
    let agent: AgentConfig
    let policy: Policy
    let logger: Logger

    /// For `wal-push`, which opens no catalog.
    package init(agent: AgentConfig, policy: Policy, logger: Logger) {
        self.agent = agent
        self.policy = policy
        self.logger = logger
    }

    package init(ctx: AgentContext, policy: Policy) {
        self.init(agent: ctx.agent, policy: policy, logger: ctx.logger)
    }

    /// What one pass did.
    package struct Report: Sendable {
        /// Files that reached their last destination and left the spool.
        package var shipped = 0
        /// Files still in the spool after the pass.
        package var waiting = 0
        /// One line per destination that failed.
        package var problems: [String] = []
        /// Another pass held the spool, so this one shipped nothing (only without `waiting`).
        package var busy = false
    }

    /// The lock a pass holds.
    package static func lockPath(spool: String, policy: String) -> String { "\(spool)/.locks/wal-\(policy).lock" }

    /// One pass over the spool. With `waiting`, waits for a pass under way to end; without, returns at
    /// once (`busy`) when there is one.
    package func ship(waiting: Bool = false) async -> Report {
        let dir = WALArchiveLayout.spool(agent.spool, policy: policy.name)
        var report = Report()
        guard !WALSpool.sealed(in: dir).isEmpty else { return report }
        let lock = Self.lockPath(spool: agent.spool, policy: policy.name)
        try? FileManager.default.createDirectory(
            atPath: (lock as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            report.problems.append("cannot open \(lock): \(String(cString: strerror(errno)))")
            return report
        }
        defer { close(fd) }
        let locked: Int32
        if waiting {
            locked = await (try? BlockingWork.run { SystemCall.retryingInterrupts { flock(fd, LOCK_EX) } }) ?? -1
        } else {
            locked = flock(fd, LOCK_EX | LOCK_NB)
        }
        guard locked == 0 else {
            report.busy = true
            report.waiting = WALSpool.sealed(in: dir).count
            return report
        }
        // Listed under the lock: what another pass shipped and removed meanwhile is not listed.
        let files = WALSpool.sealed(in: dir)
        for spec in policy.destinations {
            let destination: Destination
            do {
                destination = try DestinationFactory.makeBase(spec, logger: logger)
            } catch {
                report.problems.append("destination \(spec.name): \(error)")
                continue
            }
            for file in files where !WALSpool.isShipped(file.name, to: spec.name, in: dir) {
                let key = WALArchiveLayout.key(host: agent.host, policy: policy.name, file: file)
                do {
                    try await destination.put(key, fromFile: "\(dir)/\(file.name)")
                    let signature = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(file.name).sig"))
                    try await destination.put(key + WALArchiveLayout.signatureSuffix, bytes: Array(signature))
                    WALSpool.markShipped(file.name, to: spec.name, in: dir)
                } catch {
                    report.problems.append("destination \(spec.name): \(file.name): \(error)")
                    break  // the rest waits: the destination is likely down, and order is kept
                }
            }
        }
        for file in files {
            if policy.destinations.allSatisfy({ WALSpool.isShipped(file.name, to: $0.name, in: dir) }) {
                WALSpool.forget(file.name, in: dir)
                report.shipped += 1
            } else {
                report.waiting += 1
            }
        }
        return report
    }
}
