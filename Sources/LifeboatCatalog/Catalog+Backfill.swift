import Foundation
import GRDB
import LifeboatCore

extension Catalog {
    /// Records that a destination now holds the whole of a backup that reached it by `copy` (or a
    /// backfill) rather than from the spool: the copy's row is made when the destination was added to
    /// the policy after the backup, and the backup's status is derived again.
    package func recordCopied(id: BackupID, destination: String, at: Date) throws {
        try wrap("record copied backup") {
            try db.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO copy (backup_id, destination, status, error, updated) VALUES (?, ?, 'shipped', NULL, ?)
                        ON CONFLICT (backup_id, destination) DO UPDATE SET status = 'shipped', error = NULL, updated = excluded.updated
                        """,
                    arguments: [id, destination, at.timeIntervalSince1970])
                try Self.deriveStatus(db, id: id, at: at)
            }
        }
    }

    /// Marks a shipped copy as lost (its manifest or a chunk was found missing or damaged at the
    /// destination) and forgets which chunks it held, so the next `run` refills it from another
    /// destination. A copy not marked shipped is left as it is. Returns whether anything changed.
    @discardableResult
    package func markCopyLost(id: BackupID, destination: String, reason: String, at: Date) throws -> Bool {
        try wrap("mark copy lost") {
            try db.write { db in
                try db.execute(
                    sql: """
                        UPDATE copy SET status = 'failed', error = ?, updated = ?
                        WHERE backup_id = ? AND destination = ? AND status = 'shipped'
                        """,
                    arguments: [reason, at.timeIntervalSince1970, id, destination])
                guard db.changesCount > 0 else { return false }
                try db.execute(
                    sql: "DELETE FROM chunk_copy WHERE backup_id = ? AND destination = ?", arguments: [id, destination])
                try Self.deriveStatus(db, id: id, at: at)
                return true
            }
        }
    }

    /// Whether some live backup of `policy` with chunks lacks a shipped copy at one of `destinations`
    /// while another of them holds it: the one query `run` asks per policy to learn whether a
    /// destination needs backfilling or refilling.
    package func hasBackupsToBackfill(policy: String, destinations: [String]) throws -> Bool {
        guard destinations.count > 1 else { return false }
        let marks = databaseQuestionMarks(count: destinations.count)
        var arguments: StatementArguments = [policy]
        for d in destinations { arguments += [d] }
        arguments += [destinations.count - 1]
        return try wrap("read backups to backfill") {
            try db.read { db in
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (
                            SELECT 1 FROM backup b
                            WHERE b.policy = ? AND b.retention = 'live' AND b.chunk_count > 0
                              AND b.status IN ('complete', 'degraded', 'pending')
                              AND (SELECT count(*) FROM copy c WHERE c.backup_id = b.id AND c.status = 'shipped'
                                     AND c.destination IN (\(marks))) BETWEEN 1 AND ?)
                        """,
                    arguments: arguments)
                    ?? false
            }
        }
    }
}
