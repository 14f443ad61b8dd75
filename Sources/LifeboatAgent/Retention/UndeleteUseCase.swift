import Foundation
import LifeboatCatalog
import LifeboatCore

/// The `undelete` use case: brings a deleted or soft-deleted backup back to live and pins it, so
/// later prunes keep it.
package struct UndeleteUseCase {
    package let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    /// Returns the state the backup was in.
    package func run(id requested: RequestedBackup) throws -> BackupRecord.Retention {
        guard let id = requested.id else { throw LifeboatError(.usage, "'\(requested)' is not a backup id") }
        return try ctx.catalog.undelete(id: id, at: ctx.now())
    }

    /// Removes the pin; returns whether there was one.
    package func unpin(id requested: RequestedBackup) throws -> Bool {
        guard let id = requested.id else { throw LifeboatError(.usage, "'\(requested)' is not a backup id") }
        return try ctx.catalog.unpin(id: id)
    }
}
