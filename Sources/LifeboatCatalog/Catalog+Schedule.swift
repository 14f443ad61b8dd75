import Foundation
import GRDB
import LifeboatCore

/// What `run` and `check` need to know about one policy, read with index seeks only.
public struct PolicySummary: Sendable, Equatable {
    /// The newest backup whose copies reached every destination (status complete, retention live or deleted).
    public struct Newest: Sendable, Equatable {
        public var id: String
        public var started: Date
        public var finished: Date?
        public var bytesIn: Int64
        public var bytesOut: Int64
        public var lockWindowMs: Int64?

        public init(id: String, started: Date, finished: Date?, bytesIn: Int64, bytesOut: Int64, lockWindowMs: Int64?) {
            self.id = id
            self.started = started
            self.finished = finished
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
            self.lockWindowMs = lockWindowMs
        }
    }

    public var policy: String
    /// The newest backup of any status: id, start and status.
    public var lastID: String?
    public var lastStarted: Date?
    public var lastStatus: BackupRecord.Status?
    /// The newest start of a backup that got into the spool (pending, degraded or complete).
    public var lastSpooled: Date?
    public var newestComplete: Newest?
    /// The oldest retention change among deleted and among soft-deleted backups (when grace ends first).
    public var oldestDeleted: Date?
    public var oldestSoftDeleted: Date?
    /// How many live backups still wait to be shipped somewhere.
    public var unshipped: Int

    public init(policy: String) { self.policy = policy; unshipped = 0 }
}

/// A backup that still has copies to ship.
public struct UnshippedBackup: Sendable, Equatable {
    public var id: String
    public var policy: String
    public var status: BackupRecord.Status
    public var pid: Int32?
}

extension Catalog {
    /// One row per named policy, in one statement of correlated index seeks, so it stays fast with
    /// hundreds of policies and thousands of backups each.
    public func policySummaries(_ policies: [String]) throws -> [PolicySummary] {
        guard !policies.isEmpty else { return [] }
        return try wrap("read policy summaries") {
            try db.read { db in
                var out: [PolicySummary] = []
                // SQLite limits bound parameters; read in slices.
                var start = 0
                while start < policies.count {
                    let slice = Array(policies[start..<min(start + 400, policies.count)])
                    start += slice.count
                    out += try Self.summaries(db, slice)
                }
                return out
            }
        }
    }

    static func summaries(_ db: Database, _ names: [String]) throws -> [PolicySummary] {
        let values = Array(repeating: "(?)", count: names.count).joined(separator: ",")
        let sql = """
            WITH p(name) AS (VALUES \(values)),
            q AS (
                SELECT p.name AS name,
                    (SELECT id FROM backup WHERE policy = p.name ORDER BY started DESC LIMIT 1) AS last_id,
                    (SELECT max(started) FROM backup WHERE policy = p.name AND status = 'complete') AS max_complete,
                    (SELECT max(started) FROM backup WHERE policy = p.name AND status = 'degraded') AS max_degraded,
                    (SELECT max(started) FROM backup WHERE policy = p.name AND status = 'pending') AS max_pending,
                    (SELECT id FROM backup WHERE policy = p.name AND status = 'complete'
                        AND retention IN ('live', 'deleted') ORDER BY started DESC LIMIT 1) AS newest_id,
                    (SELECT min(retention_changed) FROM backup WHERE policy = p.name
                        AND retention = 'deleted') AS oldest_deleted,
                    (SELECT min(retention_changed) FROM backup WHERE policy = p.name
                        AND retention = 'soft-deleted') AS oldest_soft,
                    (SELECT count(*) FROM backup WHERE policy = p.name AND retention = 'live'
                        AND status IN ('pending', 'degraded', 'failed') AND chunk_count > 0) AS unshipped
                FROM p
            )
            SELECT q.*, l.started AS last_started, l.status AS last_status,
                n.started AS n_started, n.finished AS n_finished, n.bytes_in AS n_in, n.bytes_out AS n_out,
                n.lock_window_ms AS n_lock
            FROM q LEFT JOIN backup l ON l.id = q.last_id LEFT JOIN backup n ON n.id = q.newest_id
            """
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(names)).map { row in
            var s = PolicySummary(policy: row["name"])
            s.lastID = row["last_id"]
            s.lastStarted = (row["last_started"] as Double?).map(Date.init(timeIntervalSince1970:))
            s.lastStatus = (row["last_status"] as String?).flatMap(BackupRecord.Status.init(rawValue:))
            let spooled = [row["max_complete"], row["max_degraded"], row["max_pending"]].compactMap { $0 as Double? }
            s.lastSpooled = spooled.max().map(Date.init(timeIntervalSince1970:))
            if let id: String = row["newest_id"], let started: Double = row["n_started"] {
                s.newestComplete = PolicySummary.Newest(
                    id: id, started: Date(timeIntervalSince1970: started),
                    finished: (row["n_finished"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    bytesIn: row["n_in"], bytesOut: row["n_out"], lockWindowMs: row["n_lock"])
            }
            s.oldestDeleted = (row["oldest_deleted"] as Double?).map(Date.init(timeIntervalSince1970:))
            s.oldestSoftDeleted = (row["oldest_soft"] as Double?).map(Date.init(timeIntervalSince1970:))
            s.unshipped = row["unshipped"]
            return s
        }
    }

    /// Live backups whose copies are not all shipped: pending, degraded, or failed with chunks still recorded.
    public func unshippedBackups(policy: String) throws -> [UnshippedBackup] {
        try wrap("read unshipped backups") {
            try db.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, policy, status, pid FROM backup
                        WHERE policy = ? AND retention = 'live' AND status IN ('pending', 'degraded', 'failed')
                            AND chunk_count > 0 AND EXISTS (SELECT 1 FROM chunk WHERE backup_id = backup.id)
                        ORDER BY started
                        """,
                    arguments: [policy]
                ).map { row in
                    UnshippedBackup(
                        id: row["id"], policy: row["policy"],
                        status: BackupRecord.Status(rawValue: row["status"]) ?? .failed,
                        pid: (row["pid"] as Int?).map { Int32($0) })
                }
            }
        }
    }

    // MARK: run counters

    /// Adds one to the count of `command` runs that ended with `outcome`.
    public func countRun(command: String, outcome: String, at: Date) throws {
        try wrap("count run") {
            try db.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO run_counter (command, outcome, count, last) VALUES (?, ?, 1, ?)
                        ON CONFLICT (command, outcome) DO UPDATE SET count = count + 1, last = excluded.last
                        """,
                    arguments: [command, outcome, at.timeIntervalSince1970])
            }
        }
    }

    /// Every run counter: command, outcome, count.
    public func runCounts() throws -> [(command: String, outcome: String, count: Int64)] {
        try wrap("read run counters") {
            try db.read { db in
                try Row.fetchAll(db, sql: "SELECT command, outcome, count FROM run_counter ORDER BY command, outcome")
                    .map { (command: $0["command"], outcome: $0["outcome"], count: $0["count"]) }
            }
        }
    }

    /// The outcome of the newest finished copy at each destination of a policy (nil status: none yet).
    /// Looks only at the policy's newest backups, so it stays cheap however long the history is.
    public func lastCopyOutcomes(policy: String, lookBack: Int = 10) throws -> [String: BackupRecord.Copy.Status] {
        try wrap("read copy outcomes") {
            try db.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT c.destination, c.status FROM
                            (SELECT id, started FROM backup WHERE policy = ? ORDER BY started DESC LIMIT ?) b
                        JOIN copy c ON c.backup_id = b.id
                        WHERE c.status != 'pending'
                        ORDER BY b.started DESC
                        """,
                    arguments: [policy, lookBack])
                var out: [String: BackupRecord.Copy.Status] = [:]
                for row in rows {
                    let d: String = row["destination"]
                    if out[d] == nil { out[d] = BackupRecord.Copy.Status(rawValue: row["status"]) }
                }
                return out
            }
        }
    }
}
