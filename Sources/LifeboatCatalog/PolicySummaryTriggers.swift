import GRDB

/// Keeps `policy_summary` and `destination_outcome` equal to what `run`, `check` and the metrics would
/// otherwise compute from the whole backup history on every call.
///
/// A timer calls `lifeboat run` every few minutes, and nearly every call finds nothing due. Answering
/// "when did each policy last back up, and did its copies ship?" from `backup` and `copy` touches a
/// few index pages per policy, thousands of pages over hundreds of policies. These triggers refresh a
/// policy's row whenever one of its backups or copies changes, in the same transaction as the change,
/// so the summary can never disagree with the history, even after a crash.
enum PolicySummaryTriggers {
    /// How many of a policy's newest backups decide each destination's last outcome.
    static let outcomeLookBack = 10

    /// The tables and the triggers; `fill` then brings in the existing history.
    static let schema = """
        CREATE TABLE policy_summary (
            policy TEXT PRIMARY KEY NOT NULL,
            last_id TEXT,
            last_started REAL,
            last_status TEXT,
            last_spooled REAL,
            newest_id TEXT,
            n_started REAL,
            n_finished REAL,
            n_in INTEGER,
            n_out INTEGER,
            n_lock INTEGER,
            oldest_deleted REAL,
            oldest_soft REAL,
            unshipped INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE destination_outcome (
            policy TEXT NOT NULL,
            destination TEXT NOT NULL,
            status TEXT NOT NULL,
            PRIMARY KEY (policy, destination)
        ) WITHOUT ROWID;

        CREATE TRIGGER backup_summary_insert AFTER INSERT ON backup BEGIN
            \(refreshSummary("NEW.policy"))
            \(refreshOutcomes("NEW.policy"))
        END;
        CREATE TRIGGER backup_summary_update AFTER UPDATE OF
            policy, status, retention, retention_changed, started, finished, bytes_in, bytes_out,
            lock_window_ms, chunk_count ON backup BEGIN
            \(refreshSummary("NEW.policy"))
            \(refreshSummary("OLD.policy", when: "OLD.policy <> NEW.policy"))
            \(refreshOutcomes("NEW.policy"))
            \(refreshOutcomes("OLD.policy", when: "OLD.policy <> NEW.policy"))
        END;
        CREATE TRIGGER backup_summary_delete AFTER DELETE ON backup BEGIN
            \(refreshSummary("OLD.policy"))
            \(refreshOutcomes("OLD.policy"))
        END;
        CREATE TRIGGER copy_outcome_insert AFTER INSERT ON copy BEGIN
            \(refreshOutcomes("(SELECT policy FROM backup WHERE id = NEW.backup_id)"))
        END;
        CREATE TRIGGER copy_outcome_update AFTER UPDATE OF status, backup_id, destination ON copy BEGIN
            \(refreshOutcomes("(SELECT policy FROM backup WHERE id = NEW.backup_id)"))
        END;
        CREATE TRIGGER copy_outcome_delete AFTER DELETE ON copy BEGIN
            \(refreshOutcomes("(SELECT policy FROM backup WHERE id = OLD.backup_id)"))
        END;

        """

    /// Writes every policy's rows from the history already in the catalog, with the triggers' own refresh.
    static func fill(_ db: Database) throws {
        for policy in try String.fetchAll(db, sql: "SELECT DISTINCT policy FROM backup") {
            try db.execute(sql: refreshSummary(":p") + refreshOutcomes(":p"), arguments: ["p": policy])
        }
    }

    /// Rewrites the summary row of the policy `p` (an SQL expression) from its backups.
    static func refreshSummary(_ p: String, when: String? = nil) -> String {
        """
        INSERT OR REPLACE INTO policy_summary (policy, last_id, last_started, last_status, last_spooled,
            newest_id, n_started, n_finished, n_in, n_out, n_lock, oldest_deleted, oldest_soft, unshipped)
        \(summarySelect(p, when: when));
        """
    }

    /// The summary row of the policy `p` computed from its backups, with the columns of `policy_summary`.
    /// `startedBefore`, an SQL expression, leaves out backups that started after it (rows dated in the future).
    static func summarySelect(_ p: String, when: String? = nil, startedBefore: String? = nil) -> String {
        let notLater = startedBefore.map { " AND started <= \($0)" } ?? ""
        return """
            SELECT x.p AS policy, l.id AS last_id, l.started AS last_started, l.status AS last_status,
                (SELECT max(started) FROM backup WHERE policy = x.p
                    AND status IN ('complete', 'degraded', 'pending')\(notLater)) AS last_spooled,
                n.id AS newest_id, n.started AS n_started, n.finished AS n_finished, n.bytes_in AS n_in,
                n.bytes_out AS n_out, n.lock_window_ms AS n_lock,
                (SELECT min(retention_changed) FROM backup WHERE policy = x.p
                    AND retention = 'deleted') AS oldest_deleted,
                (SELECT min(retention_changed) FROM backup WHERE policy = x.p
                    AND retention = 'soft-deleted') AS oldest_soft,
                (SELECT count(*) FROM backup WHERE policy = x.p AND retention = 'live'
                    AND status IN ('pending', 'degraded', 'failed') AND chunk_count > 0) AS unshipped
            FROM (SELECT \(p) AS p) x
            LEFT JOIN backup l ON l.id = (SELECT id FROM backup WHERE policy = x.p\(notLater)
                ORDER BY started DESC LIMIT 1)
            LEFT JOIN backup n ON n.id = (SELECT id FROM backup WHERE policy = x.p AND status = 'complete'
                AND retention IN ('live', 'deleted')\(notLater) ORDER BY started DESC LIMIT 1)
            WHERE x.p IS NOT NULL\(when.map { " AND \($0)" } ?? "")
            """
    }

    /// Rewrites the last finished copy outcome at each destination of the policy `p` (an SQL expression).
    static func refreshOutcomes(_ p: String, when: String? = nil) -> String {
        let guardClause = when.map { " AND \($0)" } ?? ""
        return """
            DELETE FROM destination_outcome WHERE policy = \(p)\(guardClause);
            INSERT INTO destination_outcome (policy, destination, status)
            SELECT \(p), destination, status FROM (\(outcomesSelect(p))) WHERE \(p) IS NOT NULL\(guardClause);
            """
    }

    /// The outcome of the newest finished copy at each destination of the policy `p`, among its
    /// newest `outcomeLookBack` backups: rows of (destination, status).
    static func outcomesSelect(_ p: String) -> String {
        """
        SELECT destination, status FROM (
            SELECT c.destination, c.status,
                row_number() OVER (PARTITION BY c.destination ORDER BY b.started DESC) AS rank
            FROM (SELECT id, started FROM backup WHERE policy = \(p) ORDER BY started DESC
                LIMIT \(outcomeLookBack)) b
            JOIN copy c ON c.backup_id = b.id
            WHERE c.status <> 'pending'
        ) WHERE rank = 1
        """
    }
}
