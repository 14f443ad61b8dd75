import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatSources

/// Restores a database backup INTO a running server (`restore --into DSN`): pg_restore for
/// `pg_dump-custom`, the mariadb client for `sql`; and checks a restored SQLite file.
///
/// The backup is first restored as a file into a private (0700) temporary folder, then loaded
/// and removed, because the restore use case writes to a path. A postgres database must exist
/// (createdb NAME); a mariadb database is created when missing.
public enum DatabaseLoader {
    /// Restores the chosen backup and loads it into the database `dsn` names.
    public static func restoreInto(_ ctx: AgentContext, _ request: RestoreUseCase.Request, into dsn: String) async throws
        -> RestoreUseCase.Result
    {
        let policy = request.policy
        guard policy.kind == .postgres || policy.kind == .mariadb, policy.source.snapshot == nil else {
            throw LifeboatError(.usage, "--into loads postgres and mariadb dumps; policy \(policy.name) is kind \(policy.kind.rawValue)"
                + (policy.source.snapshot != nil ? " with a snapshot (a file tree)" : ""),
                hint: "use --to PATH")
        }
        let folder = try CredentialFolder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        var r = request
        r.target = folder.path + "/dump"
        let result = try await RestoreUseCase(ctx).run(r)
        try load(kind: policy.kind, file: r.target, into: dsn, passwordFile: policy.source.passwordFile)
        return result
    }

    /// Loads a dump file into a database.
    public static func load(kind: Policy.Kind, file: String, into dsn: String, passwordFile: String?) throws {
        let sink: ByteSink
        let abandon: () -> Void
        switch kind {
        case .postgres:
            let l = try PostgresLoader(dsn: dsn, passwordFile: nil)
            sink = l
            abandon = l.abandon
        case .mariadb:
            let l = try MariaDBLoader(endpoint: MariaDBEndpoint(dsn: dsn))
            sink = l
            abandon = l.abandon
        default:
            throw LifeboatError(.usage, "--into is for postgres and mariadb")
        }
        do {
            try FileFeeder.feed(path: file, into: sink)
            try sink.finish()
        } catch {
            abandon()
            throw error
        }
    }

    /// Opens a restored SQLite database and runs `PRAGMA integrity_check`.
    public static func checkSQLite(_ path: String) throws {
        let c = try SQLiteConnection(path: path, readOnly: true)
        if let problems = try c.integrityProblems() {
            throw LifeboatError.failed("restored database \(path) fails integrity_check: \(problems)")
        }
    }
}
