import LifeboatCore

/// Reads a policy's `source:` mapping: only the keys that belong to its kind are accepted, and
/// every combination the kind cannot run (a command with a snapshot) is refused here, at load.
enum SourceParser {
    static func parse(_ v: YAMLValue, kind: Policy.Kind, resolve: (String) -> String) throws -> SourceSpec {
        let f = try v.fields("source")
        let source: SourceSpec
        switch kind {
        case .files:
            let p = try f.required("paths")
            let paths = try p.stringList("source.paths").map(resolve)
            guard !paths.isEmpty else { throw p.error("source.paths must name at least one path") }
            let exclude = try f.optional("exclude")?.stringList("source.exclude") ?? []
            source = .files(.init(paths: paths, exclude: exclude, snapshot: try snapshot(f, resolve: resolve)))
        case .sqlite:
            let database = resolve(try f.required("database").nonEmptyString("source.database"))
            source = .sqlite(.init(database: database, snapshot: try snapshot(f, resolve: resolve)))
        case .postgres:
            let dsnValue = try f.required("dsn")
            let dsn = try dsnValue.nonEmptyString("source.dsn")
            if PostgresDSN.hasPassword(dsn) {
                throw dsnValue.error(
                    "source.dsn holds a password, which pg_dump's command line would show to every user; put it in a file named by source.password_file (mode 0600)"
                )
            }
            let passwordFile = try parsePasswordFile(f, resolve: resolve)
            var pg = SourceSpec.Postgres(
                dsn: dsn, passwordFile: passwordFile, snapshot: try snapshot(f, resolve: resolve))
            if let g = f.optional("globals") {
                let name = try g.oneOf("source.globals", PostgresGlobals.allCases.map(\.rawValue))
                pg.globals = PostgresGlobals(rawValue: name) ?? .roles
            }
            pg.jobs = try f.optional("jobs")?.int("source.jobs", in: Self.postgresJobs) ?? 1
            if pg.snapshot != nil, let g = f.optional("globals") ?? f.optional("jobs") {
                throw g.error("source.globals and source.jobs belong to a dump; a snapshot copies the data directory")
            }
            if let m = f.optional("method") {
                pg.method =
                    PostgresMethod(rawValue: try m.oneOf("source.method", PostgresMethod.allCases.map(\.rawValue)))
                    ?? .dump
                if pg.method == .physical,
                    let other = f.optional("globals") ?? f.optional("jobs") ?? f.optional("snapshot")
                {
                    throw other.error(
                        "source.globals, source.jobs and source.snapshot belong to method dump; method physical copies the whole cluster with pg_basebackup"
                    )
                }
            }
            source = .postgres(pg)
        case .mariadb:
            let host = try f.optional("host")?.nonEmptyString("source.host")
            let port = try f.optional("port")?.int("source.port", in: 1...65535)
            let socket = try f.optional("socket").map { resolve(try $0.nonEmptyString("source.socket")) }
            let user = try f.optional("user")?.nonEmptyString("source.user")
            let passwordFile = try parsePasswordFile(f, resolve: resolve)
            var maria = SourceSpec.MariaDB(
                host: host, port: port, socket: socket, user: user, database: "", passwordFile: passwordFile,
                snapshot: try snapshot(f, resolve: resolve))
            try parseMariaDBDatabases(f, v, into: &maria)
            source = .mariadb(maria)
        case .command:
            let c = try f.required("command")
            let argv = try c.stringList("source.command")
            guard let first = argv.first, !first.isEmpty else { throw c.error("source.command must name a program") }
            if let snap = f.optional("snapshot") {
                // The snapshot would be archived in place of the command's output, which is never run.
                throw snap.error(
                    "kind command cannot be combined with source.snapshot: "
                        + "use kind files with a snapshot, or let the command take its own")
            }
            source = .command(.init(argv: argv))
        }
        try f.finish()
        return source
    }

    /// `database: NAME` (one, loaded into any database a restore names), or `databases: [a, b]` /
    /// `databases: all` (dumped with CREATE DATABASE) with `users`; exactly one of the two.
    static func parseMariaDBDatabases(_ f: Fields, _ v: YAMLValue, into maria: inout SourceSpec.MariaDB) throws {
        let one = f.optional("database")
        let many = f.optional("databases")
        let users = f.optional("users")
        switch (one, many) {
        case (let one?, nil):
            maria.database = try one.nonEmptyString("source.database")
            if let users { throw users.error("source.users goes with source.databases, not source.database") }
        case (nil, let many?):
            if case .scalar = many.node {
                _ = try many.oneOf("source.databases", ["all"])
                maria.databases = .all
            } else {
                let names = try many.stringList("source.databases")
                guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && !$0.contains("`") }),
                    Set(names).count == names.count
                else {
                    throw many.error("source.databases must be all or a list of distinct database names")
                }
                maria.databases = .named(names)
            }
            maria.users = try users?.bool("source.users") ?? false
            if maria.snapshot != nil {
                throw many.error("source.databases belongs to a dump; a snapshot copies the whole data directory")
            }
        case (_?, _?):
            throw v.error("source: name either database or databases, not both")
        case (nil, nil):
            _ = try f.required("database")  // names a misspelt key, else says database is required
        }
    }

    /// How many pg_dump and pg_restore workers a policy may ask for.
    static let postgresJobs = 1...64

    /// The optional `source.password_file`, resolved.
    static func parsePasswordFile(_ f: Fields, resolve: (String) -> String) throws -> String? {
        try f.optional("password_file").map { resolve(try $0.nonEmptyString("source.password_file")) }
    }

    /// The optional `source.snapshot` mapping.
    static func snapshot(_ f: Fields, resolve: (String) -> String) throws -> SnapshotSpec? {
        try f.optional("snapshot").map { try parseSnapshot($0, resolve: resolve) }
    }

    static let providers = ["btrfs", "lvm", "zfs", "command"]

    static func parseSnapshot(_ v: YAMLValue, resolve: (String) -> String) throws -> SnapshotSpec {
        let f = try v.fields("source.snapshot")
        let providerName = try f.required("provider").oneOf("source.snapshot.provider", providers)
        let volume = try f.optional("volume").map { resolve(try $0.nonEmptyString("source.snapshot.volume")) }
        let lock = try f.optional("lock")?.bool("source.snapshot.lock") ?? true
        let maxLock =
            try f.optional("max_lock")?.duration("source.snapshot.max_lock", most: DurationValue(seconds: 3600))
            ?? DurationValue(seconds: 2)
        let create = try f.optional("create")?.stringList("source.snapshot.create") ?? []
        let delete = try f.optional("delete")?.stringList("source.snapshot.delete") ?? []
        let size = try f.optional("size")?.nonEmptyString("source.snapshot.size")
        let provider: SnapshotSpec.Provider
        switch (providerName, volume) {
        case ("command", _):
            guard !create.isEmpty, !delete.isEmpty else {
                throw v.error("source.snapshot: provider command needs both create and delete commands")
            }
            provider = .command(create: create, delete: delete, volume: volume)
        case (_, nil):
            throw v.error("source.snapshot.volume is required for provider \(providerName)")
        case ("btrfs", let volume?): provider = .btrfs(volume: volume)
        case ("lvm", let volume?): provider = .lvm(volume: volume, size: size ?? "1G")
        case (_, let volume?): provider = .zfs(volume: volume)
        }
        try f.finish()
        return SnapshotSpec(provider: provider, lock: lock, maxLock: maxLock)
    }
}
