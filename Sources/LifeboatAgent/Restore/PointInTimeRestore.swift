import Foundation
import LifeboatCatalog
import LifeboatCore

/// `restore POLICY --until TIME | --until-lsn LSN | --until-xid XID | --latest --to DIR` for a
/// PostgreSQL policy that archives WAL: lays out the base backup `BaseBackupChoice` picks into an
/// empty DIR and configures recovery (`RecoverySettings`), so that starting the server replays the
/// archived WAL to exactly the target and promotes.
package struct PointInTimeRestore {
    let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    package func run(_ request: RestoreUseCase.Request, settings: RecoverySettings) async throws
        -> RestoreUseCase.Result
    {
        guard WALPolicySelection.archivesWAL(request.policy) else {
            throw LifeboatError(
                .usage,
                "policy \(request.policy.name) does not archive WAL: a point-in-time restore needs a postgres policy with source.method: physical"
            )
        }
        guard request.backupID == nil else {
            throw LifeboatError(
                .usage, "--backup and a recovery target exclude each other: the target picks the base backup")
        }
        let shipped = try ctx.catalog.backups(policy: request.policy.name)
            .filter { $0.retention == .live && $0.copies.contains(where: { $0.status == .shipped }) }
        let base = try BaseBackupChoice.pick(shipped, for: settings.target)
        var r = request
        r.backupID = .id(base.id)
        let result = try await RestoreUseCase(ctx).run(r)
        try settings.write(into: result.written ?? request.target)
        return result
    }
}
