import Foundation
import LifeboatCore

/// The `postgres` source: `pg_dump --format=custom --compress=0` against the policy's DSN (a
/// streaming replica is welcome), streamed into the pipeline, which compresses it. A password
/// comes from `password_file` through a temporary PGPASSFILE (0600), never a command line.
package struct PostgresDumper {
    package let dsn: String
    package let passwordFile: String?

    package init(dsn: String, passwordFile: String?) {
        self.dsn = dsn
        self.passwordFile = passwordFile
    }

    @discardableResult
    package func write(to sink: ByteSink) throws -> Int64 {
        let creds = try PostgresCredentials(passwordFile: passwordFile)
        let argv = [ToolLocator.find("pg_dump"), "--format=custom", "--compress=0", "--no-password", "--dbname=\(dsn)"]
        return try CommandDumper(argv: argv, environment: creds.environment, what: "pg_dump").write(to: sink)
    }
}

/// A temporary PGPASSFILE holding the password for every host, port, database and user.
package final class PostgresCredentials {
    let folder: CredentialFolder?
    package let environment: [String: String]

    package init(passwordFile: String?) throws {
        guard let passwordFile else {
            folder = nil
            environment = [:]
            return
        }
        let password = try PasswordFile.read(passwordFile)
        let escaped = password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ":", with: "\\:")
        let f = try CredentialFolder()
        let pgpass = try f.write("pgpass", "*:*:*:*:\(escaped)\n")
        folder = f
        environment = ["PGPASSFILE": pgpass]
    }
}

/// Loads a `pg_dump --format=custom` stream into the database a DSN names, with pg_restore
/// reading the stream on its stdin (`--no-owner --exit-on-error`, so a failure stops it).
package final class PostgresLoader: ByteSink {
    let pipe: LoaderPipe
    let creds: PostgresCredentials

    package init(dsn: String, passwordFile: String?) throws {
        creds = try PostgresCredentials(passwordFile: passwordFile)
        let child = try ProcessChild(
            [
                ToolLocator.find("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                "--single-transaction",
                "--no-password",
                "--dbname=\(dsn)",
            ],
            environment: creds.environment, stdin: .pipe, stdout: .null)
        pipe = LoaderPipe(child, what: "pg_restore", failure: "pg_restore failed")
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws { try pipe.write(bytes) }

    package func finish() throws { try pipe.finish() }

    /// Stops the load after a failure elsewhere.
    package func abandon() { pipe.abandon() }
}

/// The PostgreSQL part of lock–sync–snapshot–unlock: `pg_backup_start` and `pg_backup_stop` in one
/// psql session held open; the backup_label that pg_backup_stop returns is kept with the copy.
///
/// Under an atomic snapshot (btrfs, LVM, ZFS) the copy is already what a power cut would leave, and
/// PostgreSQL starts on it by crash recovery from its own pg_wal. A `backup_label` file would instead
/// make it wait for the WAL written up to pg_backup_stop, which only a WAL archive holds; so the label
/// is kept as `backup_label.lifeboat` (rename it to `backup_label` to recover from an archive).
/// A command's copy may be made file by file: there the label is `backup_label`, as PostgreSQL needs.
package final class PostgresBackupLock: DatabaseLock {
    let dsn: String
    let passwordFile: String?
    let atomicSnapshot: Bool
    private var child: ProcessChild?
    private var creds: PostgresCredentials?
    package private(set) var extraFiles: [(name: String, contents: [UInt8])] = []

    /// Files never to copy from a data directory: the running server's lock file and options, which
    /// would make a restored server think another one still runs.
    package static let excludedFiles = ["postmaster.pid", "postmaster.opts"]

    package init(dsn: String, passwordFile: String?, atomicSnapshot: Bool) {
        self.dsn = dsn
        self.passwordFile = passwordFile
        self.atomicSnapshot = atomicSnapshot
    }

    package func acquire(deadline: ContinuousClock.Instant) throws {
        let c = try PostgresCredentials(passwordFile: passwordFile)
        creds = c
        let psql = try ProcessChild(
            [
                "stdbuf", "-oL", ToolLocator.find("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "--no-password",
                "--dbname=\(dsn)",
            ],
            environment: c.environment, stdin: .pipe, stdout: .pipe)
        child = psql
        // The checkpoint pg_backup_start asks for does not block writers: give it time.
        try psql.send("SELECT pg_backup_start('lifeboat', true);\nSELECT 'lifeboat-started';\n")
        while true {
            guard let line = psql.readLine(deadline: max(deadline, .now + .seconds(120))) else {
                psql.kill()
                let t = psql.wait()
                child = nil
                throw psql.failure("pg_backup_start failed", t)
            }
            if line == "lifeboat-started" { return }
        }
    }

    package func release() throws {
        guard let psql = child else { return }
        child = nil
        defer {
            psql.closeStdin()
            if psql.wait(until: .now + .seconds(5)) == nil {
                psql.kill()
                psql.wait()
            }
        }
        try psql.send(
            "SELECT labelfile || '<lifeboat-sep>' || coalesce(spcmapfile, '') FROM pg_backup_stop(false);\nSELECT 'lifeboat-stopped';\n"
        )
        var text: [String] = []
        while let line = psql.readLine(deadline: .now + .seconds(30)) {
            if line == "lifeboat-stopped" {
                let all = text.joined(separator: "\n") + "\n"
                let parts = all.components(separatedBy: "<lifeboat-sep>")
                let suffix = atomicSnapshot ? ".lifeboat" : ""
                extraFiles = [("backup_label" + suffix, Array(parts[0].utf8))]
                if parts.count > 1, !parts[1].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    extraFiles.append(("tablespace_map" + suffix, Array(parts[1].utf8)))
                }
                return
            }
            text.append(line)
        }
        throw LifeboatError.failed("pg_backup_stop did not answer: \(psql.stderrSummary())")
    }
}
