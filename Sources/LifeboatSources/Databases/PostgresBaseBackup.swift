import Foundation
import LifeboatCore

/// The `postgres` source with `method: physical`: `pg_basebackup --format=tar -D - -X none
/// --checkpoint=fast` streamed into the pipeline, one tar of the base data directory. The WAL it
/// needs is not in it (`-X none`): that is what WAL archiving keeps. Its WAL range is read from the
/// backup_label and backup_manifest inside the tar as it streams past. A cluster with extra
/// tablespaces is refused by pg_basebackup itself (it writes only one tablespace to stdout).
package struct PostgresBaseBackup {
    /// The manifest's `payload` value.
    package static let payload = "pg_basebackup-tar"
    /// The files of the tar the WAL range is read from.
    static let label = "backup_label"
    static let manifest = "backup_manifest"

    package let dsn: String
    package let passwordFile: String?

    package init(dsn: String, passwordFile: String?) {
        self.dsn = dsn
        self.passwordFile = passwordFile
    }

    /// Streams the base backup into `sink`, finishing it only once the WAL range was read.
    package func write(to sink: ByteSink) throws -> BaseBackupWAL {
        let creds = try PostgresCredentials(passwordFile: passwordFile)
        let argv = [
            ToolLocator.find("pg_basebackup"), "--format=tar", "--pgdata=-", "--wal-method=none",
            "--checkpoint=fast", "--no-password", "--dbname=\(dsn)",
        ]
        let capture = TarMemberCapture(next: sink, names: [Self.label, Self.manifest])
        var environment = creds.environment
        environment["LC_MESSAGES"] = "C"
        try CommandDumper(argv: argv, environment: environment, what: "pg_basebackup").write(to: capture)
        let wal = try PostgresBaseBackupLabel.parse(
            label: String(decoding: capture.captured[Self.label] ?? [], as: UTF8.self),
            manifestTail: String(decoding: capture.captured[Self.manifest] ?? [], as: UTF8.self))
        try capture.finishNext()
        return wal
    }
}
