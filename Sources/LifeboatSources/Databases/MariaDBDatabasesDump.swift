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
                guard let bytes = PostgresBundleLoader.hexBytes(row), let name = String(bytes: bytes, encoding: .utf8)
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

/// Loads a `sql_databases` backup into a server with the `mariadb` client, as `mariadb < dump.sql`
/// would. Before a statement runs it reads the first line, the databases the backup holds, and
/// refuses a target where any of them already holds tables (the dump re-creates each table, and
/// the client runs statements as they come): nothing is touched then.
package final class MariaDBDatabasesLoader: ByteSink {
    let endpoint: MariaDBEndpoint
    private var head: [UInt8] = []
    private var pipe: LoaderPipe?
    private var folder: CredentialFolder?
    /// The longest first line read: a header naming many databases.
    static let headLimit = 1 << 20

    package init(endpoint: MariaDBEndpoint) { self.endpoint = endpoint }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let pipe { return try pipe.write(bytes) }
        head.append(contentsOf: bytes)
        guard let newline = head.firstIndex(of: UInt8(ascii: "\n")) else {
            if head.count > Self.headLimit { throw Self.notOurs }
            return
        }
        guard let names = MariaDBDatabasesDumper.names(inHeader: String(decoding: head[..<newline], as: UTF8.self))
        else { throw Self.notOurs }
        for name in names {
            var target = endpoint
            target.database = name
            do {
                try MariaDBLoader.requireEmptyTarget(target)
            } catch let e as LifeboatError {
                throw TargetRefused(failure: e)
            }
        }
        let (folder, options) = try endpoint.optionsFile()
        self.folder = folder
        let child = try ProcessChild(
            [ToolLocator.find("mariadb"), "--defaults-extra-file=\(options)", "--batch"], stdin: .pipe, stdout: .null)
        let p = LoaderPipe(child, what: "mariadb", failure: "loading into mariadb failed")
        pipe = p
        let buffered = head
        head = []
        try buffered.withUnsafeBytes { try p.write($0) }
    }

    package func finish() throws {
        guard let pipe else { throw Self.notOurs }
        try pipe.finish()
    }

    package func abandon() { pipe?.abandon() }

    static var notOurs: LifeboatError {
        LifeboatError.failed("the backup's first line does not name its databases: not a sql_databases dump")
    }
}

/// The target of a load said no before anything was written to it (a database that holds tables):
/// the same answer for every older backup, so a restore reports it and does not walk back.
package struct TargetRefused: Error {
    package let failure: LifeboatError
}
