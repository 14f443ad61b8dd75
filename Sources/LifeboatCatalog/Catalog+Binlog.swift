import Foundation
import GRDB
import LifeboatCore

/// One binary log archived at every destination of its policy.
package struct ArchivedBinlog: Sendable, Equatable {
    package var name: String
    /// The log's sequence number (`mysql-bin.000042` → 42).
    package var sequence: Int
    /// Bytes of the log itself (before compression).
    package var size: Int64
    /// SHA-256 of the log itself.
    package var sha256: String
    /// When the archiver rotated the server past this log: nothing written after it is in the log.
    package var rotated: Date
    /// When the last destination took it.
    package var archived: Date

    package init(name: String, sequence: Int, size: Int64, sha256: String, rotated: Date, archived: Date) {
        self.name = name
        self.sequence = sequence
        self.size = size
        self.sha256 = sha256
        self.rotated = rotated
        self.archived = archived
    }
}

extension Catalog {
    /// Records `log` as archived at every destination of `policy` (again: the newer record wins).
    package func recordBinlog(policy: String, _ log: ArchivedBinlog) throws {
        try wrap("record binary log") {
            try db.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO binlog (policy, name, seq, size, sha256, rotated, archived)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        policy, log.name, log.sequence, log.size, log.sha256, log.rotated.timeIntervalSince1970,
                        log.archived.timeIntervalSince1970,
                    ])
            }
        }
    }

    /// The binary logs archived for `policy`, oldest first.
    package func archivedBinlogs(policy: String) throws -> [ArchivedBinlog] {
        try wrap("list binary logs") {
            try db.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM binlog WHERE policy = ? ORDER BY seq, name", arguments: [policy]
                ).map { row in
                    ArchivedBinlog(
                        name: row["name"], sequence: row["seq"], size: row["size"], sha256: row["sha256"],
                        rotated: Date(timeIntervalSince1970: row["rotated"]),
                        archived: Date(timeIntervalSince1970: row["archived"]))
                }
            }
        }
    }

    /// Forgets the archived logs of `policy` older than sequence `sequence` (retention removed them).
    package func forgetBinlogs(policy: String, before sequence: Int) throws {
        try wrap("forget binary logs") {
            try db.write { db in
                try db.execute(sql: "DELETE FROM binlog WHERE policy = ? AND seq < ?", arguments: [policy, sequence])
            }
        }
    }
}
