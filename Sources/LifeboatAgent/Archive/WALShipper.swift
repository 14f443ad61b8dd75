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
    }

    package func ship() async -> Report {
        let dir = WALArchiveLayout.spool(agent.spool, policy: policy.name)
        let files = WALSpool.sealed(in: dir)
        var report = Report()
        guard !files.isEmpty else { return report }
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
