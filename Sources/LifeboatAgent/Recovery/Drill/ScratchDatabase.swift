import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatPipeline
import LifeboatSources
import Logging
import Synchronization

/// A database a drill creates on a scratch server for one load, proves, and drops on every path. It
/// never loads into an existing database: CREATE DATABASE fails on a name that is taken.
final class ScratchDatabase: Sendable {
    /// Which server, and how to reach it.
    enum Server: Sendable {
        /// A libpq connection string without `dbname`'s effect on the scratch database, and its password file.
        case postgres(dsn: String, passwordFile: String?)
        case mariadb(words: String)
    }

    let server: Server
    let name: String
    /// The config key the server came from, for messages (`scratch_databases.postgres`).
    let key: String
    /// Set by the first drop: the drill's own path and a stop signal may both try.
    private let dropped = Atomic(false)

    /// Creates a fresh database on the scratch server for `kind`; a kind without one configured is
    /// one line naming the key to set. A server that does not answer is a failed drill naming it. The
    /// name is written to `note` first, so the sweep after a killed drill can drop it.
    static func create(for kind: Policy.Kind, servers: RecoveryConfig.ScratchDatabases, note: String) throws
        -> ScratchDatabase
    {
        let db = try ScratchDatabase(kind: kind, name: ScratchDatabaseName.make(), servers: servers)
        do {
            try "\(kind.rawValue)\n\(db.name)\n".write(toFile: note, atomically: true, encoding: .utf8)
        } catch {
            throw LifeboatError.failed("cannot note the scratch database in \(note): \(error)")
        }
        let quoted = kind == .mariadb ? "`\(db.name)`" : db.name
        _ = try db.run(on: nil, "CREATE DATABASE \(quoted)", doing: "cannot create a scratch database")
        return db
    }

    /// The database a killed drill noted in its folder, to be dropped by the sweep; nil when the note is
    /// not one a drill writes or its server is no longer configured.
    static func leftover(note: String, servers: RecoveryConfig.ScratchDatabases) -> ScratchDatabase? {
        guard let text = try? String(contentsOfFile: note, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").map(String.init)
        guard lines.count == 2, let kind = Policy.Kind(rawValue: lines[0]), kind == .postgres || kind == .mariadb,
            ScratchDatabaseName.isDrillDatabase(lines[1])
        else { return nil }
        return try? ScratchDatabase(kind: kind, name: lines[1], servers: servers)
    }

    /// Checks the configured scratch servers before any drill runs: a value with a password in it or
    /// words the mariadb client cannot take is bad input (exit 65) naming the key.
    static func validate(_ servers: RecoveryConfig.ScratchDatabases) throws {
        for kind in [Policy.Kind.postgres, .mariadb] {
            let key = "scratch_databases.\(kind.rawValue)"
            guard let value = kind == .postgres ? servers.postgres : servers.mariadb else { continue }
            do {
                let db = try ScratchDatabase(kind: kind, name: ScratchDatabaseName.make(), servers: servers)
                if case .mariadb = db.server { _ = try MariaDBEndpoint(dsn: db.databaseDSN) }
            } catch let e as LifeboatError {
                throw LifeboatError(.badInput, "\(key) \(value.debugDescription): \(e.message)", hint: e.hint)
            }
        }
    }

    /// The server for `kind` from the config; one line naming the key to set when there is none.
    private convenience init(kind: Policy.Kind, name: String, servers: RecoveryConfig.ScratchDatabases) throws {
        switch kind {
        case .postgres:
            let key = "scratch_databases.postgres"
            guard let dsn = servers.postgres else {
                throw LifeboatError.failed(
                    "no scratch PostgreSQL server to load a postgres dump into: set \(key) in the recovery config")
            }
            let (rest, passwordFile) = PostgresDSN.takingPasswordFile(dsn)
            try DatabaseLoader.refusePassword(in: rest, kind: .postgres)
            self.init(server: .postgres(dsn: rest, passwordFile: passwordFile), name: name, key: key)
        case .mariadb:
            let key = "scratch_databases.mariadb"
            guard let words = servers.mariadb else {
                throw LifeboatError.failed(
                    "no scratch MariaDB server to load a mariadb dump into: set \(key) in the recovery config")
            }
            try DatabaseLoader.refusePassword(in: words, kind: .mariadb)
            self.init(server: .mariadb(words: words), name: name, key: key)
        default:
            throw LifeboatError.failed("no scratch database for kind \(kind.rawValue)")
        }
    }

    private init(server: Server, name: String, key: String) {
        self.server = server
        self.name = name
        self.key = key
    }

    /// Where the server is, as the config gives it, for messages.
    var serverText: String {
        switch server {
        case .postgres(let dsn, _): dsn
        case .mariadb(let words): words
        }
    }

    /// The DSN of the scratch database itself (libpq takes the last `dbname`; the mariadb words the last `database`).
    var databaseDSN: String {
        switch server {
        case .postgres(let dsn, _): "\(dsn) dbname=\(name)"
        case .mariadb(let words): "\(words) database=\(name)"
        }
    }

    /// The loader the plaintext streams into; its end is held back until the message verified.
    func loader() throws -> (sink: ByteSink, abandon: () -> Void) {
        switch server {
        case .postgres(_, let passwordFile):
            let l = try PostgresLoader(dsn: databaseDSN, passwordFile: passwordFile)
            return (TailHoldingSink(next: l), l.abandon)
        case .mariadb:
            let l = try MariaDBLoader(endpoint: MariaDBEndpoint(dsn: databaseDSN))
            return (TailHoldingSink(next: l), l.abandon)
        }
    }

    /// The loader of a `pg_bundle`: the dump goes in with `--no-owner --no-privileges` and the roles
    /// are only read (a drill creates nothing on the scratch server but its database), with one
    /// pg_restore job for a small dump and as many as there are cores, up to 4, for a large one.
    func bundleLoader() throws -> PostgresBundleLoader {
        guard case .postgres(_, let passwordFile) = server else {
            throw LifeboatError.failed("a pg_bundle loads into PostgreSQL, not \(key)")
        }
        return try PostgresBundleLoader(
            dsn: databaseDSN, passwordFile: passwordFile, jobs: 0, roles: .ignore,
            logger: Logger(label: "lifeboat.drill"))
    }

    /// Runs SQL on the server: in the scratch database when `database` is its name, else in the
    /// server's maintenance database (postgres) or outside any (mariadb). Failures name the server.
    func run(on database: String?, _ sql: String, doing what: String) throws -> [String] {
        do {
            switch server {
            case .postgres(let dsn, let passwordFile):
                let target = database.map { "\(dsn) dbname=\($0)" } ?? Self.maintenance(dsn)
                return try DatabaseQuery.postgres(dsn: target, passwordFile: passwordFile, sql)
            case .mariadb(let words):
                return try DatabaseQuery.mariadb(MariaDBEndpoint(dsn: "\(words) database=\(name)"), sql)
            }
        } catch let e as LifeboatError where e.kind == .failed {
            throw LifeboatError.failed("\(key) (\(serverText)): \(what): \(e.message)")
        }
    }

    /// The server's own `postgres` database, unless the DSN names one to connect to.
    static func maintenance(_ dsn: String) -> String {
        dsn.contains("dbname") ? dsn : "\(dsn) dbname=postgres"
    }

    /// Drops the database (only a name a drill makes); safe to call twice. Returns why it could not.
    @discardableResult
    func drop() -> String? {
        guard ScratchDatabaseName.isDrillDatabase(name), !dropped.exchange(true, ordering: .sequentiallyConsistent)
        else { return nil }
        let sql: String
        switch server {
        case .postgres: sql = "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"
        case .mariadb: sql = "DROP DATABASE IF EXISTS `\(name)`"
        }
        do {
            _ = try run(on: nil, sql, doing: "cannot drop scratch database \(name)")
            return nil
        } catch {
            return "\(error)"
        }
    }
}
