import Foundation
import LifeboatCore
import Logging

/// Loads a `pg_bundle` into the database a DSN names. The tar is extracted into a private folder
/// (pg_restore reads a directory-format dump from disk, and needs to for `--jobs`); once the
/// stream is finished, and so verified, the roles the cluster lacks are created from `globals.sql`
/// in one transaction, then pg_restore loads the dump. With roles in the bundle the objects keep
/// their owners and privileges; without, they are made as the connecting user (`--no-owner
/// --no-privileges`). One job loads in a single transaction; several cannot, so the caller checks
/// first that the database holds no tables. When the load fails, the roles this load created are
/// dropped again (those that now own nothing), and the folder is removed on every path.
package final class PostgresBundleLoader: ByteSink {
    /// What to do with the roles in the bundle.
    package enum Roles: Sendable {
        /// Create the missing ones, restore owners and privileges (`restore --into`).
        case create
        /// Read and count them, create none, load with `--no-owner --no-privileges` (a drill).
        case ignore
    }

    let dsn: String
    let passwordFile: String?
    let creds: PostgresCredentials
    let jobs: Int
    let roles: Roles
    let logger: Logger
    private let folder: OwnedFolder
    private let extractor: SafeTarExtractor
    private let tree: String
    /// What the bundle's roles came to, once loaded.
    package private(set) var rolesScript: PostgresRolesScript?

    /// `jobs` 0: one job for a dump under 64 MiB, else as many as there are cores, up to 4 (drills).
    package init(dsn: String, passwordFile: String?, jobs: Int, roles: Roles, logger: Logger) throws {
        self.dsn = dsn
        self.passwordFile = passwordFile
        self.jobs = jobs
        self.roles = roles
        self.logger = logger
        creds = try PostgresCredentials(passwordFile: passwordFile)
        folder = try PostgresBundle.makeFolder()
        tree = "\(folder.path)/bundle"
        do {
            try ExclusiveFile.makePrivateFolder(tree)
            extractor = try SafeTarExtractor(targetDirectory: tree)
        } catch {
            folder.remove()
            throw error
        }
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws { try extractor.write(bytes) }

    package func finish() throws {
        defer { folder.remove() }
        try extractor.finish()
        let dump = "\(tree)/\(PostgresBundle.databaseName)"
        let kind = (try? FileManager.default.attributesOfItem(atPath: dump))?[.type] as? FileAttributeType
        guard kind == .typeDirectory, FileManager.default.fileExists(atPath: "\(dump)/toc.dat") else {
            throw LifeboatError.failed(
                "the backup is not a pg_bundle: it holds no \(PostgresBundle.databaseName)/toc.dat")
        }
        let globals = try readGlobals()
        var created: [String] = []
        if let globals {
            let existing = roles == .create ? try existingRoles() : []
            let script = PostgresRolesScript.make(sql: globals, existingRoles: existing)
            rolesScript = script
            for s in script.skipped { logger.info("globals.sql: left out \(s)") }
            if roles == .create, !script.created.isEmpty {
                try runPsql(script.script, doing: "cannot create the backup's roles")
                created = script.created
            }
        }
        do {
            try restore(dump, owners: roles == .create && globals != nil)
        } catch {
            dropRoles(created)
            throw error
        }
    }

    /// The folder goes; a pg_restore that was started has already ended.
    package func abandon() { folder.remove() }

    /// `globals.sql` as text, nil when the bundle has none; one larger than the limit is refused.
    func readGlobals() throws -> String? {
        let path = "\(tree)/\(PostgresBundle.globalsName)"
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        guard attributes[.type] as? FileAttributeType == .typeRegular,
            let size = attributes[.size] as? Int, size <= PostgresBundle.globalsLimit,
            let data = FileManager.default.contents(atPath: path)
        else {
            throw LifeboatError.failed(
                "the backup's \(PostgresBundle.globalsName) is not a readable file of at most 64 MiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LifeboatError.failed("the backup's \(PostgresBundle.globalsName) is not UTF-8 text")
        }
        return text
    }

    /// The target cluster's role names, read hex-encoded so no name can bend the lines.
    func existingRoles() throws -> Set<String> {
        let rows = try DatabaseQuery.postgres(
            dsn: dsn, passwordFile: passwordFile,
            "SELECT encode(convert_to(rolname, 'UTF8'), 'hex') FROM pg_roles")
        var names: Set<String> = []
        for row in rows {
            guard let bytes = HexText.bytes(row), let name = String(bytes: bytes, encoding: .utf8) else {
                throw LifeboatError.failed(
                    "cannot read the target's roles: psql answered \(TerminalText.printable(row))")
            }
            names.insert(name)
        }
        return names
    }

    /// Runs `sql` through psql in one transaction, stopping at the first error.
    func runPsql(_ sql: String, doing what: String) throws {
        let child = try ProcessChild(
            [
                ToolLocator.find("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "--no-password",
                "--dbname=\(dsn)",
            ],
            environment: creds.environment, stdin: .pipe, stdout: .null)
        let pipe = LoaderPipe(child, what: "psql", failure: what)
        do {
            try Array(sql.utf8).withUnsafeBytes { try pipe.write($0) }
            try pipe.finish()
        } catch {
            pipe.abandon()
            throw error
        }
    }

    /// Below this much dump, `jobs: 0` loads with one job: starting workers would cost more than they save.
    static let parallelFrom: Int64 = 64 << 20

    /// pg_restore of the directory-format dump.
    func restore(_ dump: String, owners: Bool) throws {
        var argv = [ToolLocator.find("pg_restore"), "--exit-on-error", "--no-password"]
        if !owners { argv += ["--no-owner", "--no-privileges"] }
        var workers = jobs
        if jobs == 0 {
            let size = ((try? FileManager.default.contentsOfDirectory(atPath: dump)) ?? []).reduce(Int64(0)) {
                $0 + (((try? FileManager.default.attributesOfItem(atPath: "\(dump)/\($1)"))?[.size] as? Int64) ?? 0)
            }
            workers = size < Self.parallelFrom ? 1 : max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        }
        argv.append(workers > 1 ? "--jobs=\(workers)" : "--single-transaction")
        argv += ["--dbname=\(dsn)", dump]
        let child = try ProcessChild(argv, environment: creds.environment, stdout: .null)
        let ended = child.wait()
        guard ended.succeeded else { throw child.failure("pg_restore failed", ended) }
    }

    /// Drops the roles this load created after a failed load; a role that now owns something stays.
    func dropRoles(_ names: [String]) {
        guard !names.isEmpty else { return }
        let sql = names.reversed().map {
            "DROP ROLE IF EXISTS \"\($0.replacingOccurrences(of: "\"", with: "\"\""))\";\n"
        }
        do {
            try runPsql(sql.joined(), doing: "cannot drop the roles this restore created")
        } catch {
            logger.warning("\(error); the roles \(names.joined(separator: ", ")) stay")
        }
    }

    /// Refuses a target database that already holds tables, before a load with several jobs (which
    /// cannot run in one transaction) begins; called once, before any attempt.
    package static func requireEmptyTarget(dsn: String, passwordFile: String?) throws {
        let rows = try DatabaseQuery.postgres(
            dsn: dsn, passwordFile: passwordFile,
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
        guard let count = rows.first.flatMap({ Int($0) }) else {
            throw LifeboatError.failed("cannot count the tables of the target database: psql answered \(rows)")
        }
        guard count == 0 else {
            throw LifeboatError.failed(
                "the target database already holds \(count) table(s); a load with several jobs goes only into an empty database",
                hint: "createdb a new database and name it in --into")
        }
    }
}
