import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatPipeline
import LifeboatSources

/// What a drill restores a payload into and how it proves the result, per payload type: a file tree is
/// extracted and counted (and a PostgreSQL data directory in it started and queried), a SQLite file passes `integrity_check`, a dump is loaded into a fresh scratch
/// database and its tables counted or checksummed, anything else is proven by its digest alone.
final class DrillProof {
    /// Where the plaintext goes; finished by the restore pipeline.
    let sink: ByteSink
    private let check: () throws -> String
    private let stop: () -> Void
    /// The scratch databases this proof created, dropped by the drill on every path.
    let databases: ScratchDatabaseSet

    private init(
        sink: ByteSink, databases: ScratchDatabaseSet = ScratchDatabaseSet(), stop: @escaping () -> Void = {},
        check: @escaping () throws -> String
    ) {
        self.sink = sink
        self.databases = databases
        self.stop = stop
        self.check = check
    }

    /// A proof with the one scratch database `db`.
    private convenience init(
        sink: ByteSink, database db: ScratchDatabase, stop: @escaping () -> Void, check: @escaping () throws -> String
    ) {
        let set = ScratchDatabaseSet()
        set.add(db)
        self.init(sink: sink, databases: set, stop: stop, check: check)
    }

    /// The proof for `payload` (the manifest's `payload`), writing only inside `work`, the drill's own folder.
    static func make(payload: String, work: String, servers: RecoveryConfig.ScratchDatabases) throws -> DrillProof {
        switch payload {
        case "tar":
            let tree = "\(work)/tree"
            try ExclusiveFile.makePrivateFolder(tree)
            let extractor = try SafeTarExtractor(targetDirectory: tree)
            return DrillProof(sink: extractor) {
                let r = extractor.report
                let entries = r.files + r.directories + r.symlinks + r.hardlinks
                let extracted =
                    "\(Count.of(entries, "entry", "entries")) extracted (\(Count.of(r.files, "file")), "
                    + "\(Count.of(r.directories, "folder")))"
                // A PostgreSQL data directory (a snapshot of the server's files) must also start.
                guard let data = PostgresDataDirectoryProof.find(in: tree) else { return extracted }
                let scratch = (work as NSString).deletingLastPathComponent
                return extracted + "; "
                    + (try PostgresDataDirectoryProof.prove(data: data, work: work, scratch: scratch))
            }
        case "sqlite":
            let path = "\(work)/restored.sqlite"
            let file = try FileSink(path: path)
            return DrillProof(
                sink: file, stop: { file.abandon() },
                check: {
                    try DatabaseLoader.checkSQLite(path)
                    return "integrity_check ok"
                })
        case "pg_dump-custom":
            let db = try ScratchDatabase.create(
                for: .postgres, servers: servers, note: "\(work)/\(DrillScratch.databaseNote)")
            return try loading(into: db) { try PostgresProof.countTables(db) }
        case PostgresBundle.payload:
            let db = try ScratchDatabase.create(
                for: .postgres, servers: servers, note: "\(work)/\(DrillScratch.databaseNote)")
            let bundle: PostgresBundleLoader
            do {
                bundle = try db.bundleLoader()
            } catch {
                db.drop()
                throw error
            }
            return DrillProof(sink: TailHoldingSink(next: bundle), database: db, stop: bundle.abandon) {
                let roles = bundle.rolesScript.map { ", \(Count.of($0.created.count, "role")) in globals.sql" } ?? ""
                return try PostgresProof.countTables(db) + roles
            }
        case MariaDBDatabasesDumper.payload:
            let set = ScratchDatabaseSet()
            let loader = MariaDBDrillLoader(servers: servers, work: work, databases: set)
            return DrillProof(sink: TailHoldingSink(next: loader), databases: set, stop: loader.abandon) {
                try loader.prove()
            }
        case "sql":
            let db = try ScratchDatabase.create(
                for: .mariadb, servers: servers, note: "\(work)/\(DrillScratch.databaseNote)")
            return try loading(into: db) { try MariaDBProof.checksumTables(db) }
        default:
            return DrillProof(sink: DiscardSink()) { "digest only (\(payload) payload)" }
        }
    }

    private static func loading(into db: ScratchDatabase, check: @escaping () throws -> String) throws -> DrillProof {
        do {
            let (sink, abandon) = try db.loader()
            return DrillProof(sink: sink, database: db, stop: abandon, check: check)
        } catch {
            db.drop()
            throw error
        }
    }

    /// Runs the kind's check once the stream has been finished; returns what it found.
    func prove() throws -> String { try check() }

    /// Stops a load that did not finish (after a failure elsewhere).
    func abandon() { stop() }
}

/// Takes a payload and keeps nothing: a `command` payload is proven by its digest alone.
final class DiscardSink: ByteSink {
    func write(_ bytes: UnsafeRawBufferPointer) throws {}
    func finish() throws {}
}

/// Numbers as drill lines print them: `1,200`.
enum Count {
    static func text<T: BinaryInteger>(_ n: T) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `1 table`, `1,200 rows`.
    static func of<T: BinaryInteger>(_ n: T, _ singular: String, _ plural: String? = nil) -> String {
        "\(text(n)) \(n == 1 ? singular : plural ?? singular + "s")"
    }
}
