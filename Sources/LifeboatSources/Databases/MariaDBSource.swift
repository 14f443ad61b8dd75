import Foundation
import LifeboatConfig
import LifeboatCore

/// Where and as whom to reach a MariaDB server: the settings a policy gives (its snapshot is not used
/// here), or those of a restore target. Credentials travel in a 0600 options file
/// (`--defaults-extra-file`), never on a command line that ps shows.
package typealias MariaDBEndpoint = SourceSpec.MariaDB

extension SourceSpec.MariaDB {
    /// Parses `key=value` words (`host port socket user database password_file`), as `--into` takes.
    package init(dsn: String) throws { try self.init(dsn: dsn, requireDatabase: true) }

    /// With `requireDatabase` false the words name a server only (a `sql_databases` backup names its
    /// own databases), and a `database=` word is refused.
    package init(dsn: String, requireDatabase: Bool) throws {
        var fields: [String: String] = [:]
        for word in dsn.split(whereSeparator: \.isWhitespace) {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw LifeboatError(.usage, "mariadb target \(dsn): expected key=value words")
            }
            fields[parts[0] == "dbname" ? "database" : parts[0]] = parts[1]
        }
        let known: Set = ["host", "port", "socket", "user", "database", "password_file"]
        if let bad = fields.keys.first(where: { !known.contains($0) }) {
            throw LifeboatError(
                .usage, "mariadb target: unknown key \(bad) (known: \(known.sorted().joined(separator: ", ")))")
        }
        if !requireDatabase, fields["database"] != nil {
            throw LifeboatError(
                .usage,
                "mariadb target \(dsn): this backup holds several databases under their own names; leave database= out")
        }
        guard let db = fields["database"] ?? (requireDatabase ? nil : "") else {
            throw LifeboatError(.usage, "mariadb target \(dsn): names no database=")
        }
        self.init(
            host: fields["host"], port: fields["port"].flatMap(Int.init), socket: fields["socket"],
            user: fields["user"], database: db, passwordFile: fields["password_file"])
    }

    /// A private options file with the [client] settings; keep the folder alive while it is used.
    package func optionsFile() throws -> (CredentialFolder, String) {
        var lines = ["[client]"]
        func quoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        if let user { lines.append("user=\(quoted(user))") }
        if let passwordFile { lines.append("password=\(quoted(try PasswordFile.read(passwordFile)))") }
        if let host { lines.append("host=\(quoted(host))") }
        if let port { lines.append("port=\(port)") }
        if let socket { lines.append("socket=\(quoted(socket))") }
        let folder = try CredentialFolder()
        return (folder, try folder.write("my.cnf", lines.joined(separator: "\n") + "\n"))
    }
}

/// The `mariadb` source: `mariadb-dump --single-transaction --routines --events --triggers` of one
/// database (without CREATE DATABASE, so it loads into any database an operator names).
package struct MariaDBDumper {
    package let endpoint: MariaDBEndpoint
    /// Whether the dump records the binary log position it is consistent with (`--master-data=2`), as a
    /// policy that archives binary logs needs; the server must then have its binary log on.
    package let binlogPosition: Bool

    package init(endpoint: MariaDBEndpoint, binlogPosition: Bool = false) {
        self.endpoint = endpoint
        self.binlogPosition = binlogPosition
    }

    @discardableResult
    package func write(to sink: ByteSink) throws -> Int64 {
        try dump(to: sink).bytes
    }

    /// Writes the dump into `sink`; with `binlogPosition`, also returns the position its comment named,
    /// and fails when the dump named none (a replay could not know where to start).
    package func dump(to sink: ByteSink) throws -> (bytes: Int64, position: BinlogPosition?) {
        let (folder, options) = try endpoint.optionsFile()
        defer { withExtendedLifetime(folder) {} }
        var argv = [
            ToolLocator.find("mariadb-dump"), "--defaults-extra-file=\(options)", "--single-transaction",
            "--routines", "--events", "--triggers", "--hex-blob",
        ]
        guard binlogPosition else {
            argv += ["--", endpoint.database]
            return (try CommandDumper(argv: argv, what: "mariadb-dump").write(to: sink), nil)
        }
        argv += ["--master-data=2", "--", endpoint.database]
        let sniffer = BinlogPositionSniffer(next: sink)
        let bytes = try CommandDumper(argv: argv, what: "mariadb-dump").write(to: sniffer)
        guard let position = sniffer.position else {
            throw LifeboatError.failed(
                "mariadb-dump named no binary log position (no CHANGE MASTER comment in its first 64 KiB)",
                hint: "binlog archiving needs log_bin on the server")
        }
        return (bytes, position)
    }
}

/// Loads SQL into the database an operator names (made when missing) with the `mariadb` client.
///
/// The client runs statements as they arrive and a dump drops and re-creates each table, so loading
/// over a database that holds tables would replace them one by one, and a failure half-way would
/// leave a mix. It therefore loads only into a new or empty database, and says so otherwise.
package final class MariaDBLoader: ByteSink {
    let pipe: LoaderPipe
    let folder: CredentialFolder

    package init(endpoint: MariaDBEndpoint) throws {
        let (folder, options) = try endpoint.optionsFile()
        self.folder = folder
        let client = ToolLocator.find("mariadb")
        let name = endpoint.database.replacingOccurrences(of: "`", with: "``")
        let make = try ProcessChild(
            [client, "--defaults-extra-file=\(options)", "-e", "CREATE DATABASE IF NOT EXISTS `\(name)`"],
            stdout: .null)
        let t = make.wait()
        guard t.succeeded else { throw make.failure("cannot create database \(endpoint.database)", t) }
        let child = try ProcessChild(
            [client, "--defaults-extra-file=\(options)", "--batch", "--", endpoint.database],
            stdin: .pipe, stdout: .null)
        pipe = LoaderPipe(child, what: "mariadb", failure: "loading into mariadb failed")
    }

    /// Refuses a target database that already holds tables; a missing one is fine (the loader makes it).
    /// Called once before a restore starts: a walk back to an older backup loads over its own
    /// half-finished attempt, which is what it should replace.
    package static func requireEmptyTarget(_ endpoint: MariaDBEndpoint) throws {
        let (folder, options) = try endpoint.optionsFile()
        defer { withExtendedLifetime(folder) {} }
        let client = ToolLocator.find("mariadb")
        let literal = endpoint.database.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
            of: "'", with: "''")
        let count = try ProcessChild(
            [
                client, "--defaults-extra-file=\(options)", "--batch", "--skip-column-names", "-e",
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '\(literal)'",
            ],
            stdout: .pipe)
        let answer = count.readLine(deadline: .now + .seconds(60))
        let ended = count.wait()
        guard ended.succeeded, let tables = answer.flatMap({ Int($0) }) else {
            throw count.failure("cannot read the tables of database \(endpoint.database)", ended)
        }
        guard tables == 0 else {
            throw LifeboatError.failed(
                "database \(endpoint.database) already holds \(tables) table(s); restore --into loads only into a new or empty database",
                hint: "name a new database (then swap it in), or restore --to a file and load it by hand")
        }
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws { try pipe.write(bytes) }

    package func finish() throws { try pipe.finish() }

    package func abandon() { pipe.abandon() }
}

/// The MariaDB part of lock–sync–snapshot–unlock: FLUSH TABLES WITH READ LOCK held in a live
/// `mariadb` session. If Lifeboat dies, the client sees its stdin close, ends the session, and the
/// server drops the lock; a lock that cannot be had by the deadline is cancelled with KILL.
package final class MariaDBGlobalReadLock: DatabaseLock {
    let endpoint: MariaDBEndpoint
    private var child: ProcessChild?
    private var folder: CredentialFolder?
    private var options = ""
    private var connectionID: String?

    package init(endpoint: MariaDBEndpoint) { self.endpoint = endpoint }

    package var extraFiles: [(name: String, contents: [UInt8])] { [] }

    package func acquire(deadline: ContinuousClock.Instant) throws {
        let (f, o) = try endpoint.optionsFile()
        folder = f
        options = o
        let c = try ProcessChild(
            [
                ToolLocator.find("mariadb"), "--defaults-extra-file=\(o)", "--unbuffered", "--batch",
                "--skip-column-names",
            ], stdin: .pipe, stdout: .pipe)
        child = c
        try c.send("SELECT CONNECTION_ID();\n")
        guard let id = c.readLine(deadline: deadline) else {
            abort(c)
            throw c.failure(
                "cannot open a mariadb session to lock", c.wait(until: .now + .seconds(1)) ?? .signaled(SIGKILL))
        }
        connectionID = id
        try c.send("FLUSH TABLES WITH READ LOCK;\nSELECT 'lifeboat-locked';\n")
        while true {
            guard let line = c.readLine(deadline: deadline) else {
                abort(c)
                throw LifeboatError.failed(
                    "mariadb: FLUSH TABLES WITH READ LOCK did not succeed within max_lock"
                        + (c.stderrSummary().isEmpty ? "" : ": \(c.stderrSummary())"),
                    hint: "a long query or transaction holds tables; try again later or raise max_lock")
            }
            if line == "lifeboat-locked" { return }
        }
    }

    /// Kills the session from the server side (a waiting FTWRL blocks writers too) and the client.
    private func abort(_ c: ProcessChild) {
        if let id = connectionID, Int(id) != nil {
            if let k = try? ProcessChild(
                [ToolLocator.find("mariadb"), "--defaults-extra-file=\(options)", "-e", "KILL \(id)"],
                stdout: .null)
            {
                if k.wait(until: .now + .seconds(5)) == nil {
                    k.kill()
                    k.wait()
                }
            }
        }
        c.kill()
        c.closeStdin()
        c.wait()
        child = nil
    }

    package func release() throws {
        guard let c = child else { return }
        var ok = false
        if (try? c.send("UNLOCK TABLES;\nSELECT 'lifeboat-unlocked';\n")) != nil {
            while let line = c.readLine(deadline: .now + .seconds(5)) {
                if line == "lifeboat-unlocked" {
                    ok = true
                    break
                }
            }
        }
        if ok {
            c.closeStdin()
            if c.wait(until: .now + .seconds(5)) == nil {
                c.kill()
                c.wait()
            }
            child = nil
        } else {
            abort(c)
        }
        folder = nil
    }
}
