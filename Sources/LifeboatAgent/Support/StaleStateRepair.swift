import Foundation
import LifeboatCore

/// Repairs what a killed run left behind: backups still marked `running` and their spool files.
enum StaleStateRepair {
    static func run(_ ctx: AgentContext) throws {
        let ids = try ctx.catalog.failAbandoned(at: ctx.now()) { pid in
            pid == getpid() ? false : (kill(pid, 0) == 0 || errno == EPERM)
        }
        for id in ids {
            if let record = try ctx.catalog.backup(id: id) {
                let dir = ctx.spoolDirectory(policy: record.policy, id: id)
                try? FileManager.default.removeItem(atPath: dir)
                ctx.logger.warning("backup \(id) of \(record.policy) was interrupted; marked failed and its spool removed")
            }
        }
    }
}
