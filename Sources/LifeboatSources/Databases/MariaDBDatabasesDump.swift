import Foundation
import LifeboatConfig
import LifeboatCore

/// The `mariadb` source with `databases: [a, b]` or `databases: all`: one `mariadb-dump --databases`
/// (one transaction across them, each with its CREATE DATABASE and USE), then, with `users: true`,
/// the server's accounts and grants (`mariadb-dump --system=users --insert-ignore`: CREATE USER IF NOT
/// EXISTS, the password hashes, GRANT). The payload, `sql_databases`, is SQL that `mariadb` loads
/// into a fresh server as it is; its first line, a comment, names the databases, so a restore can
/// check the target before a statement runs.
package struct MariaDBDatabasesDumper {
    package static let payload = "sql_databases"
    /// The first line's prefix; a JSON array of the names follows.
    static let headerPrefix = "-- lifeboat-databases: "
    /// Written between the databases and the accounts.
    static let usersMarker = "-- lifeboat-users\n"
    /// Never part of `all`: the server's own schemas (`users: true` carries the accounts instead).
    static let systemDatabases = ["mysql", "sys", "information_schema", "performance_schema"]

    package let endpoint: MariaDBEndpoint
    package let databases: MariaDBDatabases
    package let users: Bool

    package init(endpoint: MariaDBEndpoint, databases: MariaDBDatabases, users: Bool) {
        self.endpoint = endpoint
        self.databases = databases
        self.users = users
    }

    /// Dumps into `sink` and finishes it; a failing mariadb-dump (an unknown database) fails it unfinished.
    package func write(to sink: ByteSink) throws {
        let names = try resolveNames()
        guard !names.isEmpty else { throw LifeboatError.failed("the server holds no database to back up") }
        try sink.write(Array(Self.header(names).utf8))
        let (folder, options) = try endpoint.optionsFile()
        defer { withExtendedLifetime(folder) {} }
        let dump = ToolLocator.find("mariadb-dump")
        try pump(
            [
                dump, "--defaults-extra-file=\(options)", "--single-transaction", "--routines", "--events",
                "--triggers",
                "--hex-blob", "--databases", "--",
            ] + names, into: sink)
        if users {
            try sink.write(Array(Self.usersMarker.utf8))
            try pump([dump, "--defaults-extra-file=\(options)", "--system=users", "--insert-ignore"], into: sink)
        }
        try sink.finish()
    }

    static func header(_ names: [String]) -> String {
        let json = (try? JSONEncoder().encode(names)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return headerPrefix + json + "\n"
    }

    /// The names of the first line; nil when it is not one this dumper writes.
    package static func names(inHeader line: String) -> [String]? {
        guard line.hasPrefix(headerPrefix),
            let names = try? JSONDecoder().decode([String].self, from: Data(line.dropFirst(headerPrefix.count).utf8)),
            !names.isEmpty, names.allSatisfy({ !$0.isEmpty && !$0.contains("`") })
        else { return nil }
        return names
    }

    /// The policy's names, or for `all` every database but the server's own, read hex-encoded.
    func resolveNames() throws -> [String] {
        switch databases {
        case .named(let names): return names
        case .all:
            let system = Self.systemDatabases.map { "'\($0)'" }.joined(separator: ", ")
            let rows = try DatabaseQuery.mariadb(
                endpoint,
                "SELECT HEX(schema_name) FROM information_schema.schemata WHERE schema_name NOT IN (\(system)) ORDER BY schema_name"
            )
            return try rows.map { row in
                guard let bytes = HexText.bytes(row), let name = String(bytes: bytes, encoding: .utf8)
                else { throw LifeboatError.failed("cannot read the server's databases: mariadb answered \(row)") }
                return name
            }
        }
    }

    func pump(_ argv: [String], into sink: ByteSink) throws {
        let child = try ProcessChild(argv)
        do {
            _ = try child.pumpStdout(into: sink)
        } catch {
            child.kill()
            child.wait()
            throw error
        }
        let ended = child.wait()
        guard ended.succeeded else { throw child.failure("mariadb-dump failed", ended) }
    }
}
