import Foundation
import LifeboatConfig
import LifeboatCore

/// The `postgres` source when it carries roles or dumps with several jobs: pg_dumpall's roles in
/// memory, pg_dump's directory-format dump in a private folder, then both streamed as one pax tar
/// (see `PostgresBundle`). The folder is removed on every path.
package struct PostgresBundleDumper {
    package let dsn: String
    package let passwordFile: String?
    package let globals: PostgresGlobals
    package let jobs: Int

    package init(dsn: String, passwordFile: String?, globals: PostgresGlobals, jobs: Int) {
        self.dsn = dsn
        self.passwordFile = passwordFile
        self.globals = globals
        self.jobs = jobs
    }

    /// Dumps, then writes the tar into `sink` and finishes it.
    package func write(to sink: ByteSink) throws {
        let creds = try PostgresCredentials(passwordFile: passwordFile)
        let roles = try dumpRoles(creds)
        let folder = try PostgresBundle.makeFolder()
        defer { folder.remove() }
        let dump = "\(folder.path)/\(PostgresBundle.databaseName)"
        let pgDump = try ProcessChild(
            [
                ToolLocator.find("pg_dump"), "--format=directory", "--compress=0", "--jobs=\(jobs)", "--no-password",
                "--file=\(dump)", "--dbname=\(dsn)",
            ],
            environment: creds.environment, stdout: .null)
        let ended = pgDump.wait()
        guard ended.succeeded else { throw pgDump.failure("pg_dump failed", ended) }
        let tar = SimpleTarWriter(sink)
        if let roles { try tar.addFile(name: PostgresBundle.globalsName, contents: roles) }
        try tar.addDirectory(name: PostgresBundle.databaseName)
        let names = try FileManager.default.contentsOfDirectory(atPath: dump).sorted()
        for name in names {
            try tar.addFile(name: "\(PostgresBundle.databaseName)/\(name)", path: "\(dump)/\(name)")
        }
        try tar.end()
        try sink.finish()
    }

    /// `pg_dumpall --roles-only`, without passwords unless the policy asks; nil for `globals: none`.
    func dumpRoles(_ creds: PostgresCredentials) throws -> [UInt8]? {
        guard globals != .none else { return nil }
        var argv = [ToolLocator.find("pg_dumpall"), "--roles-only", "--no-password", "--dbname=\(dsn)"]
        if globals == .roles { argv.append("--no-role-passwords") }
        let child = try ProcessChild(argv, environment: creds.environment)
        let memory = BoundedMemorySink(limit: PostgresBundle.globalsLimit, what: "pg_dumpall's roles")
        do {
            _ = try child.pumpStdout(into: memory)
        } catch {
            child.kill()
            child.wait()
            throw error
        }
        let ended = child.wait()
        guard ended.succeeded else { throw child.failure("pg_dumpall failed", ended) }
        return memory.bytes
    }
}
