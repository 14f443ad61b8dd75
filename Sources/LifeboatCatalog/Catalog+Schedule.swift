import Foundation
import GRDB
import LifeboatCore

/// What `run` and `check` need to know about one policy, read with index seeks only.
package struct PolicySummary: Sendable, Equatable {
    /// The newest backup whose copies reached every destination (status complete, retention live or deleted).
    package struct Newest: Sendable, Equatable {
        package var id: BackupID
        package var started: Date
        package var finished: Date?
        package var bytesIn: Int64
        package var bytesOut: Int64
        package var lockWindowMs: Int64?

        package init(
            id: BackupID, started: Date, finished: Date?, bytesIn: Int64, bytesOut: Int64, lockWindowMs: Int64?
        ) {
            self.id = id
            self.started = started
            self.finished = finished
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
            self.lockWindowMs = lockWindowMs
        }
    }

    package var policy: String
    /// The newest backup of any status: id, start and status.
    package var lastID: BackupID?
    package var lastStarted: Date?
    package var lastStatus: BackupRecord.Status?
    /// The newest start of a backup that got into the spool (pending, degraded or complete).
    package var lastSpooled: Date?
    package var newestComplete: Newest?
    /// The oldest retention change among deleted and among soft-deleted backups (when grace ends first).
    package var oldestDeleted: Date?
    package var oldestSoftDeleted: Date?
    /// How many live backups still wait to be shipped somewhere.
    package var unshipped: Int
    /// The newest backup dated further ahead of the clock than allowed, when there is one: it is left
    /// out of every field above, so a row from the future neither stops backups nor satisfies the RPO.
    package var futureID: BackupID?
    package var futureStarted: Date?

    package init(policy: String) {
        self.policy = policy
        unshipped = 0
    }
}

/// A backup that still has copies to ship.
package struct UnshippedBackup: Sendable, Equatable {
    package var id: BackupID
    package var policy: String
    package var status: BackupRecord.Status
    package var pid: Int32?
}

extension Catalog {
    /// One row per named policy, in the order given, read from `policy_summary`, which triggers keep
    /// equal to the history (see `PolicySummaryTriggers`): one small table however long the history is.
    ///
    /// With `now`, a policy whose newest row started more than `futureSkew` after `now` is summarised
    /// from its history without the rows from the future (a rare, slower path), and names the newest of them.
    package func policySummaries(_ policies: [String], now: Date? = nil) throws -> [PolicySummary] {
        let summaries = try storedSummaries(policies)
        guard let now else { return summaries }
        let cutoff = now.addingTimeInterval(Self.futureSkew)
        return try summaries.map { s in
            guard let started = s.lastStarted, started > cutoff, let id = s.lastID else { return s }
            var fixed = try wrap("read policy summaries") {
                try db.read { db in
                    let sql = PolicySummaryTriggers.summarySelect(":p", startedBefore: ":cutoff")
                    return try Row.fetchOne(
                        db, sql: sql, arguments: ["p": s.policy, "cutoff": cutoff.timeIntervalSince1970]
                    )
                    .map(Self.summary)
                } ?? PolicySummary(policy: s.policy)
            }
            fixed.futureID = id
            fixed.futureStarted = started
            return fixed
        }
    }

    /// How far ahead of the clock a backup may have started before it counts as dated in the future.
    package static let futureSkew = ClockSkew.allowed

    private func storedSummaries(_ policies: [String]) throws -> [PolicySummary] {
        guard !policies.isEmpty else { return [] }
        let rows = try wrap("read policy summaries") {
            try db.read { db in
                if policies.count == 1 {
                    return try Row.fetchAll(
                        db, sql: "SELECT * FROM policy_summary WHERE policy = ?", arguments: [policies[0]])
                }
                return try Row.fetchAll(db, sql: "SELECT * FROM policy_summary")
            }
        }
        var byName: [String: PolicySummary] = [:]
        for row in rows {
            let s = Self.summary(row)
            byName[s.policy] = s
        }
        return policies.map { byName[$0] ?? PolicySummary(policy: $0) }
    }

    /// The same rows computed from the history itself, which the triggers' refresh must match
    /// (the tests compare the two after random changes).
    func policySummariesFromHistory(_ policies: [String]) throws -> [PolicySummary] {
        try wrap("read policy summaries") {
            try db.read { db in
                let sql = PolicySummaryTriggers.summarySelect("?")
                return try policies.map { name in
                    let s =
                        try Row.fetchOne(db, sql: sql, arguments: [name]).map(Self.summary)
                        ?? PolicySummary(policy: name)
                    // A policy without backups has no row in the table; the history gives one of nulls.
                    return s.lastID == nil ? PolicySummary(policy: name) : s
                }
            }
        }
    }

    static func summary(_ row: Row) -> PolicySummary {
        var s = PolicySummary(policy: row["policy"])
        s.lastID = row["last_id"]
        s.lastStarted = (row["last_started"] as Double?).map(Date.init(timeIntervalSince1970:))
        s.lastStatus = (row["last_status"] as String?).flatMap(BackupRecord.Status.init(rawValue:))
        s.lastSpooled = (row["last_spooled"] as Double?).map(Date.init(timeIntervalSince1970:))
        if let id: BackupID = row["newest_id"], let started: Double = row["n_started"] {
            s.newestComplete = PolicySummary.Newest(
                id: id, started: Date(timeIntervalSince1970: started),
                finished: (row["n_finished"] as Double?).map(Date.init(timeIntervalSince1970:)),
                bytesIn: row["n_in"], bytesOut: row["n_out"], lockWindowMs: row["n_lock"])
        }
        s.oldestDeleted = (row["oldest_deleted"] as Double?).map(Date.init(timeIntervalSince1970:))
        s.oldestSoftDeleted = (row["oldest_soft"] as Double?).map(Date.init(timeIntervalSince1970:))
        s.unshipped = row["unshipped"] ?? 0
        return s
    }

    /// Live backups whose copies are not all shipped: pending, degraded, or failed with chunks still recorded.
    package func unshippedBackups(policy: String) throws -> [UnshippedBackup] {
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
    package func countRun(command: String, outcome: String, at: Date) throws {
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
    package func runCounts() throws -> [(command: String, outcome: String, count: Int64)] {
        try wrap("read run counters") {
            try db.read { db in
                try Row.fetchAll(db, sql: "SELECT command, outcome, count FROM run_counter ORDER BY command, outcome")
                    .map { (command: $0["command"], outcome: $0["outcome"], count: $0["count"]) }
            }
        }
    }

    /// The outcome of the newest finished copy at each destination of a policy (none yet: absent),
    /// among its newest backups (`PolicySummaryTriggers.outcomeLookBack`).
    package func lastCopyOutcomes(policy: String) throws -> [String: BackupRecord.Copy.Status] {
        try lastCopyOutcomes(policies: [policy])[policy] ?? [:]
    }

    /// `lastCopyOutcomes(policy:)` for many policies in one read of `destination_outcome`.
    package func lastCopyOutcomes(policies: [String]) throws -> [String: [String: BackupRecord.Copy.Status]] {
        let wanted = Set(policies)
        return try wrap("read copy outcomes") {
            try db.read { db in
                var all: [String: [String: BackupRecord.Copy.Status]] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT policy, destination, status FROM destination_outcome")
                while let row = try rows.next() {
                    let policy: String = row[0]
                    guard wanted.contains(policy), let status = BackupRecord.Copy.Status(rawValue: row[2]) else {
                        continue
                    }
                    all[policy, default: [:]][row[1]] = status
                }
                return all
            }
        }
    }

    /// The same outcomes computed from the history itself, which the triggers' refresh must match.
    func lastCopyOutcomesFromHistory(policy: String) throws -> [String: BackupRecord.Copy.Status] {
        try wrap("read copy outcomes") {
            try db.read { db in
                var out: [String: BackupRecord.Copy.Status] = [:]
                for row in try Row.fetchAll(
                    db, sql: PolicySummaryTriggers.outcomesSelect(":p"), arguments: ["p": policy])
                {
                    out[row["destination"]] = BackupRecord.Copy.Status(rawValue: row["status"])
                }
                return out
            }
        }
    }
}
