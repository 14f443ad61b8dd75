import LifeboatCore

/// What producing one backup's plaintext learnt besides the bytes, returned to the backup that
/// records it: warnings worth reporting, entries left out and how long a database lock was held.
package struct SourceReport: Sendable, Equatable {
    /// Faults that did not stop the backup (vanished, changed or unreadable files...).
    package var warnings: [String]
    /// Entries of a file tree left out because they vanished or could not be read.
    package var skipped: Int
    /// How long the database lock was held around a snapshot; nil when none was taken.
    package var lockWindowMs: Int64?
    /// The WAL range of a physical PostgreSQL base backup; nil for every other source.
    package var wal: BaseBackupWAL?
    /// The binary log position a MariaDB dump is consistent with, when the policy archives binary logs.
    package var binlogPosition: BinlogPosition?

    package init(
        warnings: [String] = [], skipped: Int = 0, lockWindowMs: Int64? = nil, wal: BaseBackupWAL? = nil,
        binlogPosition: BinlogPosition? = nil
    ) {
        self.warnings = warnings
        self.skipped = skipped
        self.lockWindowMs = lockWindowMs
        self.wal = wal
        self.binlogPosition = binlogPosition
    }

    /// The report of a file tree's archive, with the lock window of the snapshot it was read from.
    package init(_ archive: ArchiveReport, lockWindowMs: Int64? = nil) {
        self.init(warnings: archive.warnings, skipped: archive.skipped, lockWindowMs: lockWindowMs)
    }
}
