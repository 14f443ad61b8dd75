import Foundation
import GRDB
import LifeboatCore

/// The local record of every backup, chunk and copy: SQLite through GRDB, changed only in transactions,
/// so a crash at any moment leaves the old state or the new one.
package final class Catalog: Sendable {
    let db: DatabaseQueue
    package let path: String

    /// Opens (creating if needed) the catalog at `path` and brings its schema up to date.
    package init(path: String) throws {
        self.path = path
        db = try CatalogFile.open(path: path, what: "catalog", migrator: CatalogSchema.migrator(), foreignKeys: true)
    }

    /// Runs `body` under an exclusive flock on `<catalog>.lock`: opening and migrating are serialized there.
    static func whileHoldingOpenLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        // A reader without write access (a monitoring user running `check`) cannot race a migration
        // anyway: it opens without the lock.
        guard fd >= 0 else { return try body() }
        defer { close(fd) }
        do {
            try SystemCall.check { flock(fd, LOCK_EX) }
        } catch {
            throw LifeboatError(.state, "catalog \(path).lock: cannot lock: \(error.reason)")
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// An in-memory catalog, for tests.
    package init() throws {
        path = ":memory:"
        db = try DatabaseQueue()
        try CatalogSchema.migrator().migrate(db)
    }

    func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
        try CatalogFile.wrap("catalog \(path)", what, body)
    }

    // MARK: writing a backup

    /// Records a new backup as `running`, with a pending copy per destination.
    package func beginBackup(
        id: BackupID, policy: String, host: String, kind: String, payload: String, started: Date,
        recipients: [String], destinations: [String]
    ) throws {
        try wrap("begin backup") {
            try db.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO backup (id, policy, host, kind, payload, status, started, recipients, pid)
                        VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)
                        """,
                    arguments: [
                        id, policy, host, kind, payload, started.timeIntervalSince1970,
                        recipients.joined(separator: ","), Int(getpid()),
                    ])
                for d in destinations {
                    try db.execute(
                        sql: "INSERT INTO copy (backup_id, destination, status, updated) VALUES (?, ?, 'pending', ?)",
                        arguments: [id, d, started.timeIntervalSince1970])
                }
            }
        }
    }

    /// Records the chunks and sizes of a backup whose message is fully in the spool; it becomes `pending`.
    /// `skipped`: entries of a file tree left out because they vanished or could not be read;
    /// `payloadSHA256`: the plaintext's sha256 (its size is `bytesIn`); `compression`: how it was compressed.
    package func sealBackup(
        id: BackupID, chunks: [Manifest.Chunk], bytesIn: Int64, bytesOut: Int64, lockWindowMs: Int64?, finished: Date,
        skipped: Int = 0, payloadSHA256: String? = nil, compression: CompressionAlgorithm = .gzip,
        wal: BaseBackupWAL? = nil, binlogPosition: BinlogPosition? = nil
    ) throws {
        try wrap("seal backup") {
            try db.write { db in
                for (i, c) in chunks.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO chunk (backup_id, idx, name, size, sha256) VALUES (?, ?, ?, ?, ?)",
                        arguments: [id, i, c.name, c.size, c.sha256])
                    // Halfway through the chunk rows: a kill here must leave the transaction undone.
                    if i == chunks.count / 2 { CrashPoint.hit("catalog.mid-seal") }
                }
                try db.execute(
                    sql: """
                        UPDATE backup SET status = 'pending', bytes_in = ?, bytes_out = ?, chunk_count = ?,
                        lock_window_ms = ?, finished = ?, skipped = ?, payload_sha256 = ?, compression = ?,
                        wal_timeline = ?, wal_start_lsn = ?, wal_stop_lsn = ?, binlog_file = ?, binlog_position = ?
                        WHERE id = ? AND status = 'running'
                        """,
                    arguments: StatementArguments(
                        [
                            bytesIn, bytesOut, chunks.count, lockWindowMs, finished.timeIntervalSince1970, skipped,
                            payloadSHA256, compression.rawValue,
                        ] + CatalogWALRange.values(wal) + [binlogPosition?.file, binlogPosition?.position, id]))
            }
        }
    }

    /// Records the outcome of shipping to one destination and derives the backup's status.
    package func recordCopy(id: BackupID, destination: String, shipped: Bool, error: String?, at: Date) throws {
        try wrap("record copy") {
            try db.write { db in
                try db.execute(
                    sql: "UPDATE copy SET status = ?, error = ?, updated = ? WHERE backup_id = ? AND destination = ?",
                    arguments: [shipped ? "shipped" : "failed", error, at.timeIntervalSince1970, id, destination])
                try Self.deriveStatus(db, id: id, at: at)
            }
        }
    }

    static func deriveStatus(_ db: Database, id: BackupID, at: Date) throws {
        let states = try String.fetchAll(db, sql: "SELECT status FROM copy WHERE backup_id = ?", arguments: [id])
        guard let current = try String.fetchOne(db, sql: "SELECT status FROM backup WHERE id = ?", arguments: [id]),
            current != "running"
        else { return }
        let shipped = states.filter { $0 == "shipped" }.count
        let pending = states.contains("pending")
        let status: String
        if shipped == states.count {
            status = "complete"
        } else if pending {
            status = "pending"
        } else if shipped > 0 {
            status = "degraded"
        } else {
            status = "failed"
        }
        try db.execute(
            sql: "UPDATE backup SET status = ?, finished = coalesce(finished, ?) WHERE id = ?",
            arguments: [status, at.timeIntervalSince1970, id])
    }

    /// Marks a backup failed with the reason; its chunks and copies are dropped.
    package func failBackup(id: BackupID, error: String, at: Date) throws {
        try wrap("fail backup") {
            try db.write { db in
                try db.execute(sql: "DELETE FROM chunk WHERE backup_id = ?", arguments: [id])
                try db.execute(
                    sql: "UPDATE copy SET status = 'failed', error = ?, updated = ? WHERE backup_id = ?",
                    arguments: [error, at.timeIntervalSince1970, id])
                try db.execute(
                    sql: "UPDATE backup SET status = 'failed', error = ?, finished = ? WHERE id = ?",
                    arguments: [error, at.timeIntervalSince1970, id])
            }
        }
    }

    /// Finds backups left `running` by a process that is gone, marks them failed and returns their ids
    /// so the caller can remove their spool files. `isAlive` answers for a backup's policy (whether some
    /// process still works on it); a pid is not asked, since after a reboot it may name another process.
    package func failAbandoned(at: Date, isAlive: (_ policy: String) -> Bool) throws -> [BackupID] {
        try wrap("recover abandoned backups") {
            try db.write { db in
                let rows = try Row.fetchAll(db, sql: "SELECT id, policy FROM backup WHERE status = 'running'")
                var ids: [BackupID] = []
                for row in rows {
                    let policy: String = row["policy"]
                    if isAlive(policy) { continue }
                    let id: BackupID = row["id"]
                    ids.append(id)
                    try db.execute(sql: "DELETE FROM chunk WHERE backup_id = ?", arguments: [id])
                    try db.execute(
                        sql:
                            "UPDATE copy SET status = 'failed', error = 'interrupted', updated = ? WHERE backup_id = ?",
                        arguments: [at.timeIntervalSince1970, id])
                    try db.execute(
                        sql: """
                            UPDATE backup SET status = 'failed', finished = ?,
                            error = 'interrupted: the process running it ended before it finished' WHERE id = ?
                            """,
                        arguments: [at.timeIntervalSince1970, id])
                }
                return ids
            }
        }
    }
}
