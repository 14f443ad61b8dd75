import Foundation
import GRDB
import LifeboatCore

/// One backup as retention sees it: its time, status, place in lazy deletion and whether it is pinned.
package struct RetentionEntry: Sendable, Equatable {
    package var id: BackupID
    package var policy: String
    package var host: String
    package var started: Date
    package var status: BackupRecord.Status
    package var retention: BackupRecord.Retention
    /// When the backup entered its current retention state (nil while it has always been live).
    package var retentionChanged: Date?
    /// Set by `undelete`: prune keeps the backup from then on.
    package var pinned: Bool

    package init(
        id: BackupID, policy: String, host: String = "", started: Date, status: BackupRecord.Status,
        retention: BackupRecord.Retention = .live, retentionChanged: Date? = nil, pinned: Bool = false
    ) {
        self.id = id
        self.policy = policy
        self.host = host
        self.started = started
        self.status = status
        self.retention = retention
        self.retentionChanged = retentionChanged
        self.pinned = pinned
    }
}

extension Catalog {
    /// Every backup of a policy that is not purged, newest first.
    package func retentionEntries(policy: String) throws -> [RetentionEntry] {
        try wrap("read retention entries") {
            try db.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, policy, host, started, status, retention, retention_changed, pinned FROM backup
                        WHERE policy = ? AND retention != 'purged' ORDER BY started DESC, id DESC
                        """,
                    arguments: [policy]
                ).map { row in
                    RetentionEntry(
                        id: row["id"], policy: row["policy"], host: row["host"],
                        started: Date(timeIntervalSince1970: row["started"]),
                        status: BackupRecord.Status(rawValue: row["status"]) ?? .failed,
                        retention: BackupRecord.Retention(rawValue: row["retention"]) ?? .live,
                        retentionChanged: (row["retention_changed"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        pinned: (row["pinned"] as Int? ?? 0) != 0)
                }
            }
        }
    }

    /// Moves a backup from one retention state to the next, only if it is still in `from` (so two
    /// prunes racing cannot skip a state). Returns whether it moved.
    @discardableResult
    package func setRetention(
        id: BackupID, from: BackupRecord.Retention, to: BackupRecord.Retention, at: Date
    ) throws -> Bool {
        try wrap("change retention") {
            try db.write { db in
                try db.execute(
                    sql: "UPDATE backup SET retention = ?, retention_changed = ? WHERE id = ? AND retention = ?",
                    arguments: [to.rawValue, at.timeIntervalSince1970, id, from.rawValue])
                return db.changesCount > 0
            }
        }
    }

    /// Brings a deleted or soft-deleted backup back to live and pins it, so prune keeps it.
    /// Returns the state it was in; throws when there is no such backup or it is already purged.
    @discardableResult
    package func undelete(id: BackupID, at: Date) throws -> BackupRecord.Retention {
        try wrap("undelete") {
            try db.write { db in
                guard
                    let raw = try String.fetchOne(db, sql: "SELECT retention FROM backup WHERE id = ?", arguments: [id])
                else { throw LifeboatError.failed("no backup with id \(id) in the catalog") }
                let state = BackupRecord.Retention(rawValue: raw) ?? .live
                if state == .purged {
                    throw LifeboatError.failed(
                        "backup \(id) is purged: its objects are gone from every destination",
                        hint: "only deleted and soft-deleted backups can be brought back")
                }
                try db.execute(
                    sql: "UPDATE backup SET retention = 'live', retention_changed = ?, pinned = 1 WHERE id = ?",
                    arguments: [at.timeIntervalSince1970, id])
                return state
            }
        }
    }

    /// Removes the pin `undelete` set, so retention decides again; returns whether it was pinned.
    @discardableResult
    package func unpin(id: BackupID) throws -> Bool {
        try wrap("unpin") {
            try db.write { db in
                guard let pinned = try Int.fetchOne(db, sql: "SELECT pinned FROM backup WHERE id = ?", arguments: [id])
                else { throw LifeboatError(.usage, "no backup with id \(id) in the catalog") }
                try db.execute(sql: "UPDATE backup SET pinned = 0 WHERE id = ?", arguments: [id])
                return pinned != 0
            }
        }
    }

    /// Records that a backup's objects are gone everywhere: retention `purged`, its chunk rows dropped.
    package func markPurged(id: BackupID, at: Date) throws {
        try wrap("mark purged") {
            try db.write { db in
                try db.execute(sql: "DELETE FROM chunk WHERE backup_id = ?", arguments: [id])
                try db.execute(
                    sql: "UPDATE backup SET retention = 'purged', retention_changed = ? WHERE id = ?",
                    arguments: [at.timeIntervalSince1970, id])
            }
        }
    }
}
