import Foundation
import LifeboatCatalog
import LifeboatCore

/// Decides what `run` copies between a policy's destinations: every backup retention still keeps
/// (live, with chunks) that one named destination lacks while another holds it, newest first, copied
/// from the first destination in the policy's order that holds it. A destination lacks a backup when
/// it has no copy of it (added to the policy after the backup was made) or its copy is not shipped
/// and the spool no longer holds the backup (a copy `verify` found lost). A backup still in the spool
/// is left to shipping, which sends it from there. A pure function of catalog state.
package enum BackfillPlanner {
    /// One backup to copy from one destination to another.
    package struct Task: Sendable, Equatable {
        package let id: BackupID
        package let from: String
        package let to: String

        package init(id: BackupID, from: String, to: String) {
            self.id = id
            self.from = from
            self.to = to
        }
    }

    /// What the planner needs to know of one backup.
    package struct Backup: Sendable, Equatable {
        package let id: BackupID
        package let started: Date
        package let status: BackupStatus
        package let retention: RetentionState
        package let chunkCount: Int
        /// The destinations whose copy the catalog has as shipped.
        package let shipped: Set<String>

        package init(
            id: BackupID, started: Date, status: BackupStatus, retention: RetentionState = .live, chunkCount: Int,
            shipped: Set<String>
        ) {
            self.id = id
            self.started = started
            self.status = status
            self.retention = retention
            self.chunkCount = chunkCount
            self.shipped = shipped
        }

        package init(_ r: BackupRecord) {
            self.init(
                id: r.id, started: r.started, status: r.status, retention: r.retention, chunkCount: r.chunkCount,
                shipped: Set(r.copies.filter { $0.status == .shipped }.map(\.destination.rawValue)))
        }
    }

    /// The copies to make, newest backup first; for one backup, targets in the policy's order.
    package static func plan(_ backups: [Backup], destinations: [String], spooled: Set<BackupID>) -> [Task] {
        var tasks: [Task] = []
        let candidates = backups.filter { b in
            b.retention == .live && b.chunkCount > 0 && !spooled.contains(b.id)
                && [.complete, .degraded, .pending].contains(b.status)
        }
        for backup in candidates.sorted(by: { $0.started > $1.started }) {
            guard let from = destinations.first(where: backup.shipped.contains) else { continue }
            for to in destinations where !backup.shipped.contains(to) {
                tasks.append(Task(id: backup.id, from: from, to: to))
            }
        }
        return tasks
    }
}
