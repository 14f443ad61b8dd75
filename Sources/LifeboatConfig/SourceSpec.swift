/// The kind-specific part of a policy, one case per kind, each holding exactly the settings that
/// kind needs, checked at load: consumers switch over it and never unwrap or re-check.
package enum SourceSpec: Sendable {
    case files(Files)
    case sqlite(SQLite)
    case postgres(Postgres)
    case mariadb(MariaDB)
    case command(Command)

    /// A tree of files and folders, archived as pax tar.
    package struct Files: Sendable {
        /// Resolved, at least one.
        package var paths: [String]
        package var exclude: [String]
        package var snapshot: SnapshotSpec?
    }

    /// One SQLite database file, copied consistently.
    package struct SQLite: Sendable {
        /// The resolved path of the database file.
        package var database: String
        package var snapshot: SnapshotSpec?
    }

    /// A PostgreSQL database dumped with pg_dump (or its data directory, under a snapshot).
    package struct Postgres: Sendable {
        /// A libpq connection string without a password.
        package var dsn: String
        /// The resolved path of a file holding the password; nil when libpq finds it itself.
        package var passwordFile: String?
        package var snapshot: SnapshotSpec?
        /// Which of the cluster's roles go with the dump (`source.globals`); `.roles` by default.
        package var globals: PostgresGlobals = .roles
        /// `source.jobs`: pg_dump and pg_restore workers; more than 1 dumps in directory format.
        package var jobs: Int = 1
        /// `source.method`: a logical dump (the default) or a physical base backup of the whole cluster.
        package var method: PostgresMethod = .dump

        /// True when the backup is a `pg_bundle` (roles and/or a directory dump in a tar), false for
        /// the plain `pg_dump-custom` stream that `globals: none` with one job still writes.
        package var bundled: Bool { method == .dump && (globals != .none || jobs > 1) }
    }

    /// A MariaDB or MySQL database dumped with mariadb-dump (or its files, under a snapshot).
    /// Host, port, socket and user are the client's defaults when not given.
    package struct MariaDB: Sendable {
        package var host: String?
        package var port: Int?
        package var socket: String?
        package var user: String?
        /// The one database of `source.database`; empty when the policy names `databases` instead.
        package var database: String
        package var passwordFile: String?
        package var snapshot: SnapshotSpec?
        /// `source.databases`: several databases, or every one, dumped together with CREATE DATABASE.
        package var databases: MariaDBDatabases? = nil
        /// `source.users`: the server's accounts and grants go with a `databases` dump.
        package var users: Bool = false
    }

    /// An operator's program whose standard output is the dump; it takes its own snapshot if any.
    package struct Command: Sendable {
        /// The program and its arguments; the first is never empty.
        package var argv: [String]
    }

    package var kind: Policy.Kind {
        switch self {
        case .files: .files
        case .sqlite: .sqlite
        case .postgres: .postgres
        case .mariadb: .mariadb
        case .command: .command
        }
    }

    /// The lock–sync–snapshot–unlock settings, when the source is read through a snapshot.
    package var snapshot: SnapshotSpec? {
        switch self {
        case .files(let s): s.snapshot
        case .sqlite(let s): s.snapshot
        case .postgres(let s): s.snapshot
        case .mariadb(let s): s.snapshot
        case .command: nil
        }
    }
}

/// `source.globals` of a postgres policy: the cluster's roles (`pg_dumpall --roles-only`) carried
/// with the dump so a restore into a fresh cluster finds the owners it needs; passwords only when asked.
package enum PostgresGlobals: String, Sendable, CaseIterable {
    case none
    case roles
    case rolesWithPasswords = "roles_with_passwords"
}

/// `source.method` of a postgres policy: `dump` runs pg_dump; `physical` streams a base backup of the
/// whole cluster (`pg_basebackup`), the starting point that archived WAL replays from.
package enum PostgresMethod: String, Sendable, CaseIterable {
    case dump
    case physical
}

/// `source.databases` of a mariadb policy: the databases one dump holds, with their CREATE DATABASE.
package enum MariaDBDatabases: Sendable, Equatable {
    /// Every database but the server's own (mysql, sys, information_schema, performance_schema).
    case all
    case named([String])
}

extension SourceSpec.MariaDB {
    /// The connection settings alone, without a snapshot: a server a restore loads into.
    package init(host: String?, port: Int?, socket: String?, user: String?, database: String, passwordFile: String?) {
        self.init(
            host: host, port: port, socket: socket, user: user, database: database, passwordFile: passwordFile,
            snapshot: nil)
    }
}
