import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatSources

/// Repairs what a killed run left behind: backups still marked `running`, spool folders that no
/// backup needs any more (a kill between marking a backup complete and removing its spool, say),
/// and temporary folders whose process is gone (see `sweepTemporaries`).
enum StaleStateRepair {
    static func run(_ ctx: AgentContext) throws {
        // Alive means its policy's lock is held: the kernel drops a flock when its holder dies, while
        // the pid a row records may belong to another process after a reboot.
        let ids = try ctx.catalog.failAbandoned(at: ctx.now()) { policy in
            (try? PolicyLock.isHeld(spool: ctx.agent.spool, policy: policy)) ?? true
        }
        for id in ids {
            if let record = try ctx.catalog.backup(id: id) {
                let dir = ctx.spoolDirectory(policy: record.policy, id: id)
                try? FileManager.default.removeItem(atPath: dir)
                ctx.logger.warning(
                    "backup \(id) of \(record.policy) was interrupted; marked failed and its spool removed")
            }
        }
        sweepSpool(ctx)
        sweepTemporaries(ctx)
    }

    /// Removes the private folders a killed process left: credential files (PGPASSFILE, MariaDB option
    /// files), PostgreSQL directory-format dumps and restores, restore work folders in the spool, and large SQLite copies beside each database. Each is
    /// an `OwnedFolder`, matched by its exact prefix and removed only when its owner lock is free.
    static func sweepTemporaries(_ ctx: AgentContext) {
        var removed = CredentialFolder.sweep() + PostgresBundle.sweep()
        var staged: [String] = []
        removed += OwnedFolder.sweep(parent: ctx.agent.spool, prefix: RestoreUseCase.workPrefix) { work in
            if let staging = RestoreStaging.sweep(work: work) { staged.append(staging) }
        }
        removed += staged
        removed += OwnedFolder.sweep(parent: ctx.agent.spool, prefix: CopyUseCase.workPrefix)
        for policy in ctx.configuration.policies {
            if case .sqlite(let s) = policy.source { removed += SQLiteSource.sweepCopies(beside: s.database) }
        }
        for path in removed { ctx.logger.warning("removed \(path), left behind by an interrupted lifeboat process") }
    }

    /// Removes `<spool>/<policy>/<id>` folders whose backup is finished with them: complete, pruned,
    /// failed with nothing left to ship, or unknown to the catalog (a backup's row is always written
    /// before its folder). A folder whose record cannot be read is kept.
    static func sweepSpool(_ ctx: AgentContext) {
        let fm = FileManager.default
        guard let policies = try? fm.contentsOfDirectory(atPath: ctx.agent.spool) else { return }
        for policy in policies where !policy.hasPrefix(".") {
            let folder = ctx.agent.spool + "/" + policy
            guard let ids = try? fm.contentsOfDirectory(atPath: folder) else { continue }
            for id in ids where !id.hasPrefix(".") {
                let record: BackupRecord?
                // A folder name that is not a backup id cannot be in the catalog.
                do { record = try BackupID(id).flatMap(ctx.catalog.backup(id:)) } catch { continue }
                if let record, needsSpool(record) { continue }
                let dir = folder + "/" + id
                guard (try? fm.removeItem(atPath: dir)) != nil else { continue }
                ctx.logger.warning(
                    "removed the spool of \(policy) \(id): \(record.map { "backup is \($0.status.rawValue)" } ?? "no such backup in the catalog")"
                )
            }
        }
    }

    /// Whether a backup still ships from its spool (the catalog's "unshipped" rule), or is being written.
    static func needsSpool(_ r: BackupRecord) -> Bool {
        switch r.status {
        case .running: return true
        case .pending, .degraded, .failed: return r.retention == .live && r.chunkCount > 0
        case .complete: return false
        }
    }
}
