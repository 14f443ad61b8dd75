import GRDB

/// The catalog's tables, as migrations that are only ever appended.
enum CatalogSchema {
    static func migrator() -> DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-backups-chunks-copies") { db in
            try db.execute(
                sql: """
                    CREATE TABLE backup (
                        id TEXT PRIMARY KEY NOT NULL,
                        policy TEXT NOT NULL,
                        host TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('running','pending','complete','degraded','failed')),
                        retention TEXT NOT NULL DEFAULT 'live'
                            CHECK (retention IN ('live','deleted','soft-deleted','purged')),
                        started REAL NOT NULL,
                        finished REAL,
                        bytes_in INTEGER NOT NULL DEFAULT 0,
                        bytes_out INTEGER NOT NULL DEFAULT 0,
                        chunk_count INTEGER NOT NULL DEFAULT 0,
                        lock_window_ms INTEGER,
                        recipients TEXT NOT NULL DEFAULT '',
                        error TEXT,
                        pid INTEGER,
                        retention_changed REAL
                    );
                    CREATE INDEX backup_policy_started ON backup(policy, started);
                    CREATE TABLE chunk (
                        backup_id TEXT NOT NULL REFERENCES backup(id) ON DELETE CASCADE,
                        idx INTEGER NOT NULL CHECK (idx >= 0),
                        name TEXT NOT NULL,
                        size INTEGER NOT NULL CHECK (size >= 0),
                        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                        PRIMARY KEY (backup_id, idx)
                    );
                    CREATE TABLE copy (
                        backup_id TEXT NOT NULL REFERENCES backup(id) ON DELETE CASCADE,
                        destination TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('pending','shipped','failed')),
                        error TEXT,
                        updated REAL NOT NULL,
                        PRIMARY KEY (backup_id, destination)
                    );
                    """)
        }
        m.registerMigration("v2-schedule-retention-run-counters") { db in
            // Scheduling, compliance checks and retention: indexes that keep `run` and `check`
            // to index seeks per policy, a pin that `undelete` sets so prune keeps the backup, and
            // counters of runs by outcome for the metrics textfile.
            try db.execute(
                sql: """
                    ALTER TABLE backup ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX backup_policy_status_started ON backup(policy, status, started);
                    CREATE INDEX backup_lazy_deletion ON backup(policy, retention, retention_changed)
                        WHERE retention IN ('deleted', 'soft-deleted');
                    CREATE INDEX backup_unshipped ON backup(policy)
                        WHERE retention = 'live' AND status IN ('pending', 'degraded', 'failed') AND chunk_count > 0;
                    CREATE TABLE run_counter (
                        command TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        count INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
                        last REAL,
                        PRIMARY KEY (command, outcome)
                    );
                    """)
        }
        m.registerMigration("v3-chunk-copies-breakers") { db in
            // Shipping to several destinations: which chunks each destination already holds, so an
            // interrupted shipment resumes, and each destination's circuit breaker, since every timer run is
            // a new process.
            try db.execute(
                sql: """
                    CREATE TABLE chunk_copy (
                        backup_id TEXT NOT NULL REFERENCES backup(id) ON DELETE CASCADE,
                        destination TEXT NOT NULL,
                        idx INTEGER NOT NULL CHECK (idx >= 0),
                        shipped REAL NOT NULL,
                        PRIMARY KEY (backup_id, destination, idx)
                    );
                    CREATE TABLE breaker (
                        destination TEXT PRIMARY KEY NOT NULL,
                        phase TEXT NOT NULL CHECK (phase IN ('closed','open','half-open')),
                        failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
                        opened_at REAL,
                        probe_at REAL,
                        last_error TEXT,
                        updated REAL NOT NULL
                    );
                    """)
        }
        m.registerMigration("v4-retention-changed-index") { db in
            // The partial index of v2 cannot serve `retention = 'deleted'` (SQLite only uses a partial
            // index when the query's terms imply its WHERE): a full one keeps run's grace check a seek.
            try db.execute(
                sql: """
                    DROP INDEX IF EXISTS backup_lazy_deletion;
                    CREATE INDEX backup_policy_retention_changed ON backup(policy, retention, retention_changed);
                    """)
        }
        m.registerMigration("v5-policy-summary") { db in
            // `run` finds nothing due on most timer ticks: a summary row per policy, kept by triggers,
            // answers it without walking every policy's history.
            try db.execute(sql: PolicySummaryTriggers.schema)
            try PolicySummaryTriggers.fill(db)
        }
        m.registerMigration("v6-backup-skipped") { db in
            // A file tree backup counts the entries it had to leave out (vanished or unreadable while
            // walked), so `list` shows them and `check` warns instead of calling the backup good.
            try db.execute(sql: "ALTER TABLE backup ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped >= 0)")
        }
        m.registerMigration("v7-backup-payload-sha256") { db in
            // The plaintext's sha256, hashed as it streamed into gzip, for the manifest (its size is
            // bytes_in). NULL for backups made before it was recorded.
            try db.execute(
                sql: """
                    ALTER TABLE backup ADD COLUMN payload_sha256 TEXT
                        CHECK (payload_sha256 IS NULL OR length(payload_sha256) = 64)
                    """)
        }
        m.registerMigration("v8-backup-compression") { db in
            // How the payload was compressed, for the manifest built at ship time; gzip before zstd existed.
            try db.execute(
                sql: """
                    ALTER TABLE backup ADD COLUMN compression TEXT NOT NULL DEFAULT 'gzip'
                        CHECK (compression IN ('gzip', 'zstd'))
                    """)
        }
        m.registerMigration("v9-backup-wal-range") { db in
            // A physical PostgreSQL base backup's timeline and WAL start and stop positions (LSNs as
            // 64-bit numbers), which point-in-time recovery picks a base backup by. NULL for the rest.
            try db.execute(
                sql: """
                    ALTER TABLE backup ADD COLUMN wal_timeline INTEGER CHECK (wal_timeline IS NULL OR wal_timeline >= 1)
                    """)
            try db.execute(sql: "ALTER TABLE backup ADD COLUMN wal_start_lsn INTEGER")
            try db.execute(
                sql: """
                    ALTER TABLE backup ADD COLUMN wal_stop_lsn INTEGER
                        CHECK ((wal_timeline IS NULL) = (wal_stop_lsn IS NULL) AND wal_stop_lsn >= wal_start_lsn)
                    """)
        }
        m.registerMigration("v10-mariadb-binlog") { db in
            // A mariadb dump records the binary log position it is consistent with (where a replay
            // starts); every binary log archived between dumps gets a row once each destination holds it.
            try db.execute(
                sql: """
                    ALTER TABLE backup ADD COLUMN binlog_file TEXT;
                    ALTER TABLE backup ADD COLUMN binlog_position INTEGER CHECK (binlog_position IS NULL OR binlog_position >= 4);
                    CREATE TABLE binlog (
                        policy TEXT NOT NULL,
                        name TEXT NOT NULL,
                        seq INTEGER NOT NULL CHECK (seq >= 0),
                        size INTEGER NOT NULL CHECK (size >= 0),
                        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                        rotated REAL NOT NULL,
                        archived REAL NOT NULL,
                        PRIMARY KEY (policy, name)
                    );
                    CREATE INDEX binlog_policy_seq ON binlog(policy, seq);
                    """)
        }
        return m
    }
}
