import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatSources

/// Loads a `sql_databases` dump on a drill's scratch server with each of its databases in a scratch
/// database of its own: the first line names the databases, a fresh `lifeboat_drill_<random>` is
/// created for each, every `USE` of one is pointed at its scratch database and its `CREATE DATABASE`
/// left out, and the accounts after `-- lifeboat-users` are not loaded (the scratch server keeps no
/// account of the backup's). A `USE` of a database the first line does not name fails the drill.
final class MariaDBDrillLoader: ByteSink {
    let servers: RecoveryConfig.ScratchDatabases
    let work: String
    let databases: ScratchDatabaseSet
    /// Original name and scratch database, in the first line's order.
    private(set) var mapping: [(name: String, db: ScratchDatabase)] = []
    private var head: [UInt8] = []
    private var line: [UInt8] = []
    private var mode = Mode.header
    private var pipe: LoaderPipe?
    private var folder: CredentialFolder?

    private enum Mode { case header, deciding, holding, passing, done }

    /// The longest line held to be rewritten (a `USE` or `CREATE DATABASE`) or the first line.
    static let lineLimit = 1 << 20

    init(servers: RecoveryConfig.ScratchDatabases, work: String, databases: ScratchDatabaseSet) {
        self.servers = servers
        self.work = work
        self.databases = databases
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var i = 0
        while i < bytes.count {
            switch mode {
            case .done:
                return
            case .header:
                let b = bytes[i]
                i += 1
                head.append(b)
                if b == UInt8(ascii: "\n") {
                    try start()
                    mode = .deciding
                } else if head.count > Self.lineLimit {
                    throw MariaDBDrillLoader.notOurs
                }
            case .passing:
                let rest = UnsafeRawBufferPointer(rebasing: bytes[i...])
                if let nl = rest.firstIndex(of: UInt8(ascii: "\n")) {
                    try send(UnsafeRawBufferPointer(rebasing: rest[...nl]))
                    i += nl + 1
                    mode = .deciding
                } else {
                    try send(rest)
                    i = bytes.count
                }
            case .deciding, .holding:
                let b = bytes[i]
                i += 1
                line.append(b)
                if b == UInt8(ascii: "\n") {
                    try endLine()
                } else if mode == .deciding, line.count >= 20 {
                    try decide()
                } else if line.count > Self.lineLimit {
                    throw LifeboatError.failed("a line of the dump that names a database is longer than 1 MiB")
                }
            }
        }
    }

    func finish() throws {
        guard let pipe else { throw MariaDBDrillLoader.notOurs }
        if !line.isEmpty, mode != .done { try endLine() }
        try pipe.finish()
    }

    func abandon() { pipe?.abandon() }

    /// Reads the names, makes a scratch database for each, starts the client.
    private func start() throws {
        let text = String(decoding: head.dropLast(), as: UTF8.self)
        guard let names = MariaDBDatabasesDumper.names(inHeader: text) else { throw Self.notOurs }
        for (n, name) in names.enumerated() {
            let db = try ScratchDatabase.create(
                for: .mariadb, servers: servers, note: "\(work)/\(DrillScratch.databaseNote).\(n)")
            databases.add(db)
            mapping.append((name, db))
        }
        guard case .mariadb(let words) = mapping[0].db.server else { throw Self.notOurs }
        let (folder, options) = try MariaDBEndpoint(dsn: words, requireDatabase: false).optionsFile()
        self.folder = folder
        let child = try ProcessChild(
            [ToolLocator.find("mariadb"), "--defaults-extra-file=\(options)", "--batch"], stdin: .pipe, stdout: .null)
        pipe = LoaderPipe(child, what: "mariadb", failure: "loading into the scratch databases failed")
    }

    /// Enough of a line is held to tell whether it is one to rewrite; others pass as they are.
    private func decide() throws {
        if starts("CREATE DATABASE ") || starts("USE `") {
            mode = .holding
        } else if starts("-- lifeboat-users") {
            mode = .done
            line = []
        } else {
            try send(line)
            line = []
            mode = .passing
        }
    }

    /// A whole line: `USE` pointed at the scratch database, `CREATE DATABASE` left out, others sent.
    private func endLine() throws {
        defer {
            line = []
            if mode != .done { mode = .deciding }
        }
        if starts("-- lifeboat-users") {
            mode = .done
        } else if starts("CREATE DATABASE ") {
            return
        } else if starts("USE `") {
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.hasSuffix("`;") else {
                throw LifeboatError.failed("the dump has a USE line Lifeboat cannot read")
            }
            let name = String(text.dropFirst(5).dropLast(2)).replacingOccurrences(of: "``", with: "`")
            guard let db = mapping.first(where: { $0.name == name })?.db else {
                throw LifeboatError.failed(
                    "the dump uses database \(TerminalText.printable(name)), which its first line does not name")
            }
            try send(Array("USE `\(db.name)`;\n".utf8))
        } else {
            try send(line)
        }
    }

    private func starts(_ prefix: String) -> Bool { line.starts(with: Array(prefix.utf8)) }

    private func send(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try send($0) } }

    private func send(_ bytes: UnsafeRawBufferPointer) throws {
        guard let pipe else { throw Self.notOurs }
        try pipe.write(bytes)
    }

    static var notOurs: LifeboatError {
        LifeboatError.failed("the backup's first line does not name its databases: not a sql_databases dump")
    }

    /// CHECKSUM TABLE and a row count in every scratch database, named by the database it stands for.
    func prove() throws -> String {
        try mapping.map { "\(TerminalText.printable($0.name)): \(try MariaDBProof.checksumTables($0.db))" }
            .joined(separator: "; ")
    }
}
