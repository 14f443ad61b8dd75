import Foundation
import LifeboatCatalog
import LifeboatCore

/// The `forget` use case: the way out of a backup that can never finish shipping (its destination is
/// gone for good, its spool was lost). The backup is marked failed, so `run` stops retrying it and
/// stops exiting 1 for it, and its spool is removed; prune later removes what reached a destination,
/// as for any failed backup.
package struct ForgetUseCase {
    package let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    /// What `forget` did, or would do with `dryRun`.
    package struct Outcome: Sendable {
        package let id: BackupID
        package let policy: String
        /// The status the backup had.
        package let was: BackupStatus
        /// The destinations that lacked it, with the last error at each.
        package let missing: [String]
        package let dryRun: Bool
    }

    package func run(id requested: RequestedBackup, dryRun: Bool) throws -> Outcome {
        guard let id = requested.id else { throw LifeboatError(.usage, "'\(requested)' is not a backup id") }
        guard let record = try ctx.catalog.backup(id: id) else {
            throw LifeboatError(.usage, "no backup \(id) in the catalog", hint: "lifeboat list --all shows every id")
        }
        switch record.status {
        case .complete:
            throw LifeboatError(
                .usage, "backup \(id) is complete: there is nothing to stop shipping",
                hint: "prune removes backups that retention no longer keeps")
        case .failed where !FileManager.default.fileExists(atPath: spool(record)):
            throw LifeboatError(.usage, "backup \(id) has already failed and has no spool left: nothing to forget")
        default: break
        }
        let missing = record.copies.filter { $0.status != .shipped }.map {
            "\($0.destination)" + ($0.error.map { " (\($0))" } ?? "")
        }
        let outcome = Outcome(id: id, policy: record.policy, was: record.status, missing: missing, dryRun: dryRun)
        if dryRun { return outcome }
        // Under the policy's lock, so a `run` shipping this backup right now is not cut off half-way.
        guard let lock = try PolicyLock.tryAcquire(spool: ctx.agent.spool, policy: record.policy) else {
            throw LifeboatError.failed(
                "policy \(record.policy) is busy in another process (a backup or run); nothing was changed",
                hint: "try again when it has finished")
        }
        defer { lock.release() }
        try ctx.catalog.failBackup(id: id, error: "forgotten: lifeboat forget", at: ctx.now())
        try? FileManager.default.removeItem(atPath: spool(record))
        return outcome
    }

    func spool(_ record: BackupRecord) -> String {
        ctx.spoolDirectory(policy: record.policy, id: record.id)
    }
}
