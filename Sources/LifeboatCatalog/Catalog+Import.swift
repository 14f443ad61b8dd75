import Foundation
import GRDB
import LifeboatCore

extension Catalog {
    /// What importing one manifest did.
    package enum ImportOutcome: Sendable, Equatable {
        /// The backup was new to the catalog.
        case added
        /// The backup was known; this destination's copy is now recorded as shipped.
        case copyRecorded
        /// Nothing to do: the catalog already knew this copy.
        case known
    }

    /// Records a backup found at a destination from its manifest alone, so a new host with an empty
    /// catalog can restore: the backup, its chunks, and the destination's copy as shipped.
    /// The policy's other destinations are recorded as failed until a manifest is found there too.
    package func importManifest(_ m: Manifest, destination: String, destinations: [String], at: Date) throws
        -> ImportOutcome
    {
        try wrap("import manifest \(m.id)") {
            try db.write { db in
                let now = at.timeIntervalSince1970
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM backup WHERE id = ?", arguments: [m.id]) ?? false
                var outcome = ImportOutcome.added
                if exists {
                    let copy = try String.fetchOne(
                        db, sql: "SELECT status FROM copy WHERE backup_id = ? AND destination = ?",
                        arguments: [m.id, destination])
                    if copy == "shipped" { return .known }
                    outcome = .copyRecorded
                } else {
                    let started = Timestamp.parseISO8601(m.started) ?? BackupID(m.id)?.date ?? at
                    let finished = Timestamp.parseISO8601(m.finished) ?? started
                    try db.execute(
                        sql: """
                            INSERT INTO backup (id, policy, host, kind, payload, status, started, finished, bytes_in,
                                bytes_out, chunk_count, lock_window_ms, recipients, skipped, payload_sha256, compression,
                                wal_timeline, wal_start_lsn, wal_stop_lsn, binlog_file, binlog_position)
                            VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: StatementArguments(
                            [
                                m.id, m.policy, m.host, m.kind, m.payload, started.timeIntervalSince1970,
                                finished.timeIntervalSince1970, m.bytesIn, m.bytesOut, m.chunks.count,
                                m.lockWindowMs, m.recipients.joined(separator: ","), max(0, m.skipped ?? 0),
                                m.payloadSHA256, m.compression,
                            ] + CatalogWALRange.values(m.wal) + [m.binlog?.file, m.binlog?.position]))
                    for (i, c) in m.chunks.enumerated() {
                        try db.execute(
                            sql: "INSERT INTO chunk (backup_id, idx, name, size, sha256) VALUES (?, ?, ?, ?, ?)",
                            arguments: [m.id, i, c.name, c.size, c.sha256])
                    }
                    for d in Set(destinations + [destination]).sorted() {
                        try db.execute(
                            sql: """
                                INSERT INTO copy (backup_id, destination, status, error, updated)
                                VALUES (?, ?, 'failed', 'no manifest found there', ?)
                                """,
                            arguments: [m.id, d, now])
                    }
                }
                try db.execute(
                    sql: """
                        INSERT INTO copy (backup_id, destination, status, updated) VALUES (?, ?, 'shipped', ?)
                        ON CONFLICT (backup_id, destination) DO UPDATE SET status = 'shipped', error = NULL,
                            updated = excluded.updated
                        """,
                    arguments: [m.id, destination, now])
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO chunk_copy (backup_id, destination, idx, shipped)
                        SELECT backup_id, ?, idx, ? FROM chunk WHERE backup_id = ?
                        """,
                    arguments: [destination, now, m.id])
                // The row now holds the manifest's id as written: read it as the catalog's own.
                try Self.deriveStatus(db, id: BackupID(trustedCatalogValue: m.id), at: at)
                return outcome
            }
        }
    }
}
