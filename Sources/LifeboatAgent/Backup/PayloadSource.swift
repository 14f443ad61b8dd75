import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatSources
import Logging

/// What a backup hands to the pipeline: something that writes the plaintext into a sink and finishes it.
struct PayloadSource {
    /// The manifest's `payload` value: what the gunzipped literal data is.
    let payload: String
    /// Writes the whole payload into `sink`, finishing it; `backupID` names a snapshot. Returns what
    /// the run learnt: warnings, skipped entries, the lock window.
    let produce: (_ sink: ByteSink, _ backupID: BackupID) throws -> SourceReport

    /// `stateDirectory` keeps markers of pending snapshots made by the operator's commands.
    static func make(for policy: Policy, logger: Logger, stateDirectory: String? = nil) throws -> PayloadSource {
        if let snapshot = policy.source.snapshot {
            return snapshotted(policy, snapshot, logger: logger, stateDirectory: stateDirectory)
        }
        switch policy.source {
        case .files(let s):
            let archiver = FileTreeArchiver(paths: s.paths, excludes: s.exclude, logger: logger)
            return PayloadSource(payload: "tar") { sink, _ in SourceReport(try archiver.write(to: sink)) }
        case .sqlite(let s):
            let source = SQLiteSource(database: s.database)
            return PayloadSource(payload: "sqlite") { sink, _ in
                try source.write(to: sink)
                return SourceReport()
            }
        case .postgres(let s) where s.method == .physical:
            let dumper = PostgresBaseBackup(dsn: s.dsn, passwordFile: s.passwordFile)
            return PayloadSource(payload: PostgresBaseBackup.payload) { sink, _ in
                SourceReport(wal: try dumper.write(to: sink))
            }
        case .postgres(let s) where s.bundled:
            let dumper = PostgresBundleDumper(
                dsn: s.dsn, passwordFile: s.passwordFile, globals: s.globals, jobs: s.jobs)
            return PayloadSource(payload: PostgresBundle.payload) { sink, _ in
                try dumper.write(to: sink)
                return SourceReport()
            }
        case .postgres(let s):
            let dumper = PostgresDumper(dsn: s.dsn, passwordFile: s.passwordFile)
            return PayloadSource(payload: "pg_dump-custom") { sink, _ in
                try dumper.write(to: sink)
                return SourceReport()
            }
        case .mariadb(let s) where s.databases != nil:
            let dumper = MariaDBDatabasesDumper(
                endpoint: endpoint(s), databases: s.databases ?? .all, users: s.users)
            return PayloadSource(payload: MariaDBDatabasesDumper.payload) { sink, _ in
                try dumper.write(to: sink)
                return SourceReport()
            }
        case .mariadb(let s):
            let dumper = MariaDBDumper(endpoint: endpoint(s), binlogPosition: policy.binlog != nil)
            return PayloadSource(payload: "sql") { sink, _ in
                SourceReport(binlogPosition: try dumper.dump(to: sink).position)
            }
        case .command(let s):
            let dumper = CommandDumper(argv: s.argv, what: "command")
            return PayloadSource(payload: "raw") { sink, _ in
                try dumper.write(to: sink)
                return SourceReport()
            }
        }
    }

    static func endpoint(_ s: SourceSpec.MariaDB) -> MariaDBEndpoint {
        MariaDBEndpoint(
            host: s.host, port: s.port, socket: s.socket, user: s.user, database: s.database,
            passwordFile: s.passwordFile)
    }

    /// lock → sync → snapshot → unlock, then a tar of the snapshot's files.
    static func snapshotted(
        _ policy: Policy, _ spec: SnapshotSpec, logger: Logger, stateDirectory: String?
    ) -> PayloadSource {
        let provider = spec.provider.make(stateDirectory: stateDirectory)
        var lock: DatabaseLock?
        var excludes: [String] = []
        switch policy.source {
        case .files(let s): excludes = s.exclude
        case .sqlite(let s): lock = SQLiteWriteLock(database: s.database)
        case .mariadb(let s): lock = MariaDBGlobalReadLock(endpoint: endpoint(s))
        case .postgres(let s):
            lock = PostgresBackupLock(dsn: s.dsn, passwordFile: s.passwordFile, atomicSnapshot: provider.isAtomic)
            excludes = PostgresBackupLock.excludedFiles
        case .command: break  // refused at load: a command takes its own snapshot
        }
        let coordinator = SnapshotCoordinator(
            provider: provider, lock: spec.lock ? lock : nil, maxLock: .seconds(spec.maxLock.seconds),
            policy: policy.name, logger: logger)
        return PayloadSource(payload: "tar") { sink, backupID in
            let (report, window) = try coordinator.run(id: backupID) { path, extra in
                try SnapshotExtraFiles.write(extra, under: path, to: sink)
                return try FileTreeArchiver(paths: [path], excludes: excludes, logger: logger).write(to: sink)
            }
            return SourceReport(report, lockWindowMs: window)
        }
    }
}
