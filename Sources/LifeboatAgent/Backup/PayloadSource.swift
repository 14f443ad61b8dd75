import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatSources
import Logging

/// What a backup hands to the pipeline: something that writes the plaintext into a sink and finishes it.
struct PayloadSource {
    /// What one run learns and needs beyond the bytes: the backup id (names a snapshot) and the
    /// lock window it measured.
    final class Run {
        var backupID = "unnamed"
        var lockWindowMs: Int64?
        /// Entries of a file tree left out because they vanished or could not be read.
        var skipped = 0
    }

    /// The manifest's `payload` value: what the gunzipped literal data is.
    let payload: String
    let run: Run
    /// Writes the whole payload into `sink`, finishing it; returns warnings worth reporting.
    let produce: (ByteSink) throws -> [String]

    init(payload: String, run: Run = Run(), produce: @escaping (ByteSink) throws -> [String]) {
        self.payload = payload
        self.run = run
        self.produce = produce
    }

    /// `stateDirectory` keeps markers of pending snapshots made by the operator's commands.
    static func make(for policy: Policy, logger: Logger, stateDirectory: String? = nil) throws -> PayloadSource {
        let s = policy.source
        if let snapshot = s.snapshot {
            return try snapshotted(policy, snapshot, logger: logger, stateDirectory: stateDirectory)
        }
        switch policy.kind {
        case .files:
            let archiver = FileTreeArchiver(paths: s.paths, excludes: s.exclude, logger: logger)
            let run = Run()
            return PayloadSource(payload: "tar", run: run) { sink in
                let report = try archiver.write(to: sink)
                run.skipped = report.skipped
                return report.warnings
            }
        case .sqlite:
            let source = SQLiteSource(database: s.database ?? "")
            return PayloadSource(payload: "sqlite") { sink in
                try source.write(to: sink)
                return []
            }
        case .postgres:
            let dumper = PostgresDumper(dsn: s.dsn ?? "", passwordFile: s.passwordFile)
            return PayloadSource(payload: "pg_dump-custom") { sink in
                try dumper.write(to: sink)
                return []
            }
        case .mariadb:
            let dumper = MariaDBDumper(endpoint: endpoint(s))
            return PayloadSource(payload: "sql") { sink in
                try dumper.write(to: sink)
                return []
            }
        case .command:
            let dumper = CommandDumper(argv: s.command, what: "command")
            return PayloadSource(payload: "raw") { sink in
                try dumper.write(to: sink)
                return []
            }
        }
    }

    static func endpoint(_ s: SourceSpec) -> MariaDBEndpoint {
        MariaDBEndpoint(host: s.host, port: s.port, socket: s.socket, user: s.user, database: s.database ?? "",
                        passwordFile: s.passwordFile)
    }

    /// lock → sync → snapshot → unlock, then a tar of the snapshot's files.
    static func snapshotted(_ policy: Policy, _ spec: SnapshotSpec, logger: Logger, stateDirectory: String?) throws -> PayloadSource {
        let s = policy.source
        let provider: SnapshotProvider
        switch spec.provider {
        case "btrfs": provider = BtrfsSnapshotProvider(volume: spec.volume ?? "")
        case "lvm": provider = LVMSnapshotProvider(volume: spec.volume ?? "", size: spec.size ?? "1G")
        case "zfs": provider = ZFSSnapshotProvider(volume: spec.volume ?? "")
        default:
            provider = CommandSnapshotProvider(create: spec.create, delete: spec.delete, volume: spec.volume,
                                               stateDirectory: stateDirectory)
        }
        var lock: DatabaseLock?
        if spec.lock {
            switch policy.kind {
            case .sqlite: lock = SQLiteWriteLock(database: s.database ?? "")
            case .mariadb: lock = MariaDBGlobalReadLock(endpoint: endpoint(s))
            case .postgres:
                lock = PostgresBackupLock(dsn: s.dsn ?? "", passwordFile: s.passwordFile, atomicSnapshot: provider.isAtomic)
            case .files: lock = nil
            case .command:
                throw LifeboatError.failed("policy \(policy.name): kind command cannot be combined with source.snapshot",
                                           hint: "use kind files with a snapshot, or let the command take its own")
            }
        }
        let coordinator = SnapshotCoordinator(
            provider: provider, lock: lock, maxLock: .seconds(spec.maxLock.seconds), policy: policy.name, logger: logger)
        let run = Run()
        let excludes = s.exclude + (policy.kind == .postgres ? PostgresBackupLock.excludedFiles : [])
        return PayloadSource(payload: "tar", run: run) { sink in
            let (report, window) = try coordinator.run(id: run.backupID) { path, extra in
                try SnapshotExtraFiles.write(extra, under: path, to: sink)
                return try FileTreeArchiver(paths: [path], excludes: excludes, logger: logger).write(to: sink)
            }
            run.lockWindowMs = window
            run.skipped = report.skipped
            return report.warnings
        }
    }
}
