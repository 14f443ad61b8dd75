import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatSources
import Logging

/// Restores a database backup INTO a running server (`restore --into DSN`): pg_restore for
/// `pg_dump-custom`, the missing roles and then pg_restore for a `pg_bundle`, the mariadb client for
/// `sql`; and checks a restored SQLite file.
///
/// The plaintext streams from the decryptor into the client's standard input and never touches the
/// disk; the last MiB is held back until the OpenPGP MDC has been verified, so a tampered or cut
/// stream never reaches the end of a load. pg_restore runs in one transaction, so a failed load
/// leaves the database as it was; the mariadb client runs statements as they come, so it loads only
/// into a new or empty database, and a failed load can leave that one partly loaded. A postgres
/// database must exist (createdb NAME); a mariadb database is created when missing.
package enum DatabaseLoader {
    /// Restores the chosen backup and loads it into the database `dsn` names.
    package static func restoreInto(_ ctx: AgentContext, _ request: RestoreUseCase.Request, into dsn: String)
        async throws
        -> RestoreUseCase.Result
    {
        let policy = request.policy
        guard policy.kind == .postgres || policy.kind == .mariadb, policy.source.snapshot == nil else {
            throw LifeboatError(
                .usage,
                "--into loads postgres and mariadb dumps; policy \(policy.name) is kind \(policy.kind.rawValue)"
                    + (policy.source.snapshot != nil ? " with a snapshot (a file tree)" : ""),
                hint: "use --to PATH")
        }
        try refusePassword(in: dsn, kind: policy.kind)
        if case .mariadb(let s) = policy.source {
            if s.databases == nil {
                try MariaDBLoader.requireEmptyTarget(MariaDBEndpoint(dsn: dsn))
            } else {
                // Server words only; the backup's databases are checked as the load begins.
                _ = try MariaDBEndpoint(dsn: dsn, requireDatabase: false)
            }
        }
        var jobs = 1
        if case .postgres(let s) = policy.source, s.jobs > 1 {
            jobs = s.jobs
            let (rest, passwordFile) = PostgresDSN.takingPasswordFile(dsn)
            try PostgresBundleLoader.requireEmptyTarget(dsn: rest, passwordFile: passwordFile)
        }
        var r = request
        let logger = ctx.logger
        r.loader = RestoreUseCase.Loader(
            description: "the database",
            forPayload: { payload in
                try loader(kind: policy.kind, payload: payload, jobs: jobs, into: dsn, logger: logger)
            })
        return try await RestoreUseCase(ctx).run(r)
    }

    /// A password on the command line is refused (exit 65): the DSN reaches the client's argv, which
    /// `ps` shows to every user. A `password_file=PATH` word (0600) is the way to give one.
    static func refusePassword(in dsn: String, kind: Policy.Kind) throws {
        let hasPassword =
            kind == .postgres
            ? PostgresDSN.hasPassword(dsn)
            : dsn.split(whereSeparator: \.isWhitespace).contains { $0.lowercased().hasPrefix("password=") }
        guard hasPassword else { return }
        throw LifeboatError(
            .badInput,
            "--into: the target holds a password, which the command line would show to every user of the host",
            hint: "put the password in a file only you can read and name it with password_file=PATH instead")
    }

    /// A loader that takes the dump on its standard input.
    static func loader(kind: Policy.Kind, payload: String, jobs: Int, into dsn: String, logger: Logger) throws -> (
        sink: ByteSink, abandon: () -> Void
    ) {
        switch kind {
        case .postgres where payload == PostgresBaseBackup.payload:
            throw LifeboatError(
                .usage, "--into loads a dump; this backup is a physical base backup (a data directory)",
                hint: "restore it with --to an empty folder, or to a point in time with --until")
        case .postgres where payload == PostgresBundle.payload:
            let (rest, passwordFile) = PostgresDSN.takingPasswordFile(dsn)
            let l = try PostgresBundleLoader(
                dsn: rest, passwordFile: passwordFile, jobs: jobs, roles: .create, logger: logger)
            return (l, l.abandon)
        case .postgres:
            let (rest, passwordFile) = PostgresDSN.takingPasswordFile(dsn)
            let l = try PostgresLoader(dsn: rest, passwordFile: passwordFile)
            return (l, l.abandon)
        case .mariadb where payload == MariaDBDatabasesDumper.payload:
            let l = MariaDBDatabasesLoader(endpoint: try MariaDBEndpoint(dsn: dsn, requireDatabase: false))
            return (l, l.abandon)
        case .mariadb:
            let l = try MariaDBLoader(endpoint: MariaDBEndpoint(dsn: dsn))
            return (l, l.abandon)
        default:
            throw LifeboatError(.usage, "--into is for postgres and mariadb")
        }
    }

    /// Opens a restored SQLite database and runs `PRAGMA integrity_check`.
    package static func checkSQLite(_ path: String) throws {
        let c = try SQLiteConnection(path: path, readOnly: true)
        if let problems = try c.integrityProblems() {
            throw LifeboatError.failed("restored database \(path) fails integrity_check: \(problems)")
        }
    }
}
