import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore

/// Ships everything the spool still holds: every live backup that some destination of its policy does
/// not have yet, oldest first, each policy under its own lock. What `run` calls before backing up.
package struct ShipUseCase {
    package let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    /// One backup's shipping result.
    package struct Outcome: Sendable {
        package let policy: String
        package let id: BackupID
        /// The backup's status afterwards: `complete`, `degraded`, `pending` or `failed`.
        package let status: BackupStatus
        /// The destinations that still lack it, and why.
        package let message: String?
    }

    /// Ships the pending backups of `policies` (all the configuration's when nil).
    package func shipPending(policies: [Policy]? = nil) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for policy in policies ?? ctx.configuration.policies {
            let waiting = try ctx.catalog.unshippedBackups(policy: policy.name)
            if waiting.isEmpty { continue }
            guard let lock = try PolicyLock.tryAcquire(spool: ctx.agent.spool, policy: policy.name) else {
                ctx.logger.info("\(policy.name): busy in another process, shipping skipped")
                continue
            }
            defer { lock.release() }
            for b in waiting {
                if let pid = b.pid, pid != getpid(), kill(pid, 0) == 0 || errno == EPERM, b.status == .pending {
                    continue  // its own backup process is still shipping it
                }
                let named = Set(policy.destinations.map(\.name))
                let dropped = try ctx.catalog.dropCopies(id: b.id, keeping: named, at: ctx.now())
                if !dropped.isEmpty {
                    ctx.logger.warning(
                        "\(policy.name): \(b.id) no longer waits for \(dropped.joined(separator: ", ")): not in the policy any more"
                    )
                }
                let spool = ctx.spoolDirectory(policy: policy.name, id: b.id)
                guard FileManager.default.fileExists(atPath: spool) else {
                    ctx.logger.warning(
                        "\(policy.name): \(b.id) has no spool left to ship from; run copies it from a destination that holds it, if one does"
                    )
                    continue
                }
                do {
                    try await Shipper(ctx: ctx).ship(id: b.id, policy: policy)
                    let after = try ctx.catalog.backup(id: b.id)
                    let missing =
                        after?.copies.filter { $0.status != .shipped }
                        .map { "\($0.destination): \($0.error ?? $0.status.rawValue)" } ?? []
                    outcomes.append(
                        Outcome(
                            policy: policy.name, id: b.id, status: after?.status ?? .failed,
                            message: missing.isEmpty ? nil : missing.joined(separator: "; ")))
                } catch {
                    outcomes.append(
                        Outcome(policy: policy.name, id: b.id, status: .failed, message: String(describing: error)))
                }
            }
        }
        return outcomes
    }
}
