import Foundation
import GRDB
import LifeboatCore

extension Catalog {
    /// Backups newest first, optionally of one policy, hiding pruned ones unless asked.
    package func backups(policy: String? = nil, includeRemoved: Bool = false) throws -> [BackupRecord] {
        try wrap("list backups") {
            try db.read { db in
                var sql = "SELECT * FROM backup"
                var conditions: [String] = []
                var args: [DatabaseValueConvertible] = []
                if let policy {
                    conditions.append("policy = ?")
                    args.append(policy)
                }
                if !includeRemoved { conditions.append("retention = 'live'") }
                if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
                sql += " ORDER BY started DESC, id DESC"
                let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args))
                let copies = try Self.copiesByBackup(db)
                return rows.map { BackupRecord(row: $0, copies: copies[$0["id"] as BackupID] ?? []) }
            }
        }
    }

    /// One backup by id, or nil.
    package func backup(id: BackupID) throws -> BackupRecord? {
        try wrap("read backup") {
            try db.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM backup WHERE id = ?", arguments: [id])
                else { return nil }
                let copies = try Row.fetchAll(
                    db, sql: "SELECT * FROM copy WHERE backup_id = ? ORDER BY destination", arguments: [id]
                ).map(Self.copy)
                return BackupRecord(row: row, copies: copies)
            }
        }
    }

    /// The chunks of a backup in order.
    package func chunks(id: BackupID) throws -> [Manifest.Chunk] {
        try wrap("read chunks") {
            try db.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM chunk WHERE backup_id = ? ORDER BY idx", arguments: [id])
                    .map { Manifest.Chunk(name: $0["name"], size: $0["size"], sha256: $0["sha256"]) }
            }
        }
    }

    static func copy(_ row: Row) -> BackupRecord.Copy {
        BackupRecord.Copy(
            destination: row["destination"],
            status: BackupRecord.Copy.Status(rawValue: row["status"]) ?? .failed,
            error: row["error"])
    }

    static func copiesByBackup(_ db: Database) throws -> [BackupID: [BackupRecord.Copy]] {
        var out: [BackupID: [BackupRecord.Copy]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM copy ORDER BY destination") {
            out[row["backup_id"], default: []].append(copy(row))
        }
        return out
    }
}
