import Foundation
import GRDB
import LifeboatCore

/// The recovery host's own record of every drill it ran. It is separate from any backup host's
/// catalog: the recovery host learns the fleet's backups from the destinations, and only what it
/// proved itself lives here.
package final class RecoveryCatalog: Sendable {
    let db: DatabaseQueue
    package let path: String

    /// Opens (creating if needed) the drill catalog at `path` and brings its schema up to date.
    package init(path: String) throws {
        self.path = path
        db = try CatalogFile.open(
            path: path, what: "recovery catalog", migrator: Self.migrator(), foreignKeys: false)
    }

    /// An in-memory drill catalog, for tests.
    package init() throws {
        path = ":memory:"
        db = try DatabaseQueue()
        try Self.migrator().migrate(db)
    }

    /// Migrations, only ever appended.
    static func migrator() -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-drills") { db in
            try db.execute(
                sql: """
                    CREATE TABLE drill (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        host TEXT NOT NULL,
                        policy TEXT NOT NULL,
                        backup_id TEXT,
                        started REAL NOT NULL,
                        finished REAL NOT NULL,
                        result TEXT NOT NULL CHECK (result IN ('passed','failed')),
                        seconds REAL NOT NULL CHECK (seconds >= 0),
                        bytes INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),
                        rto_seconds REAL,
                        detail TEXT NOT NULL DEFAULT '',
                        error TEXT
                    );
                    CREATE INDEX drill_policy_started ON drill(host, policy, started);
                    """)
        }
        return m
    }

    func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
        try CatalogFile.wrap("recovery catalog \(path)", what, body)
    }

    /// Records a finished drill.
    package func record(_ d: DrillRecord) throws {
        try wrap("record drill") {
            try db.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO drill (host, policy, backup_id, started, finished, result, seconds, bytes,
                                           rto_seconds, detail, error)
                        VALUES (?,?,?,?,?,?,?,?,?,?,?)
                        """,
                    arguments: [
                        d.host, d.policy, d.backupID, d.started.timeIntervalSince1970,
                        d.finished.timeIntervalSince1970, d.result.rawValue, d.seconds, d.bytes, d.rtoSeconds,
                        d.detail, d.error,
                    ])
            }
        }
    }

    /// The newest drill of one policy, if it was ever drilled.
    package func lastDrill(host: String, policy: String) throws -> DrillRecord? {
        try wrap("read drills") {
            try db.read { db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM drill WHERE host = ? AND policy = ? ORDER BY started DESC, seq DESC LIMIT 1",
                    arguments: [host, policy]
                ).map(Self.record)
            }
        }
    }

    /// The newest drill of every policy ever drilled, keyed `host/policy`: what `fleet` joins, in one query.
    package func lastDrills() throws -> [String: DrillRecord] {
        try newestDrills(passedOnly: false)
    }

    /// The newest passed drill of every policy that ever passed one, keyed `host/policy`, in one query:
    /// when a restore was last proven, which the newest drill alone does not say once it failed.
    package func lastPassedDrills() throws -> [String: DrillRecord] {
        try newestDrills(passedOnly: true)
    }

    func newestDrills(passedOnly: Bool) throws -> [String: DrillRecord] {
        try wrap("read drills") {
            try db.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT d.* FROM drill d
                        WHERE d.seq = (SELECT e.seq FROM drill e
                                       WHERE e.host = d.host AND e.policy = d.policy \(passedOnly ? "AND e.result = 'passed'" : "")
                                       ORDER BY e.started DESC, e.seq DESC LIMIT 1)
                        """)
                var out: [String: DrillRecord] = [:]
                for r in rows {
                    let d = Self.record(r)
                    out["\(d.host)/\(d.policy)"] = d
                }
                return out
            }
        }
    }

    /// Every drill of one policy, newest first.
    package func drills(host: String, policy: String, limit: Int = 100) throws -> [DrillRecord] {
        try wrap("read drills") {
            try db.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM drill WHERE host = ? AND policy = ? ORDER BY started DESC, seq DESC LIMIT ?",
                    arguments: [host, policy, limit]
                ).map(Self.record)
            }
        }
    }

    static func record(_ r: Row) -> DrillRecord {
        DrillRecord(
            host: r["host"], policy: r["policy"], backupID: r["backup_id"],
            started: Date(timeIntervalSince1970: r["started"]), finished: Date(timeIntervalSince1970: r["finished"]),
            result: DrillRecord.Result(rawValue: r["result"]) ?? .failed, seconds: r["seconds"], bytes: r["bytes"],
            rtoSeconds: r["rto_seconds"], detail: r["detail"], error: r["error"])
    }
}
