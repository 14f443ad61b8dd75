import Foundation
import LifeboatCore

/// The layout of a `pg_bundle` payload, which a `postgres` backup writes when it carries the
/// cluster's roles or dumps with several jobs: a pax tar that stock tools take apart.
///
/// ```
/// globals.sql          pg_dumpall --roles-only [--no-role-passwords]  (absent with globals: none)
/// database/            pg_dump --format=directory --compress=0 [--jobs N]: toc.dat and NNNN.dat
/// ```
///
/// A directory-format dump is written by pg_dump into a folder, so it passes through a private
/// 0700 folder in the temporary folder (`lifeboat-pgdump-<pid>-XXXXXX`) on both sides: after the
/// dump on the backup host, and before pg_restore on a restore. Old `pg_dump-custom` backups keep
/// their own payload name and restore as before.
package enum PostgresBundle {
    /// The manifest's `payload` for this layout.
    package static let payload = "pg_bundle"
    /// The roles script's name in the tar.
    package static let globalsName = "globals.sql"
    /// The folder of the directory-format dump in the tar.
    package static let databaseName = "database"
    /// The largest roles script read back: pg_dumpall writes a few lines per role.
    package static let globalsLimit = 64 << 20

    /// Where the private dump and restore folders are made: `$TMPDIR`, else /tmp.
    package static var scratchParent: String {
        let t = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
        return t.hasPrefix("/") ? t : "/tmp"
    }

    /// The prefix of those folders, so a sweep finds the ones a killed process left.
    package static let folderPrefix = "lifeboat-pgdump-"

    /// A private folder for one dump or restore; removed by its owner, or by `sweep` once that owner is gone.
    package static func makeFolder() throws -> OwnedFolder {
        try OwnedFolder(parent: scratchParent, prefix: folderPrefix)
    }

    /// Removes the folders of dumps and restores whose process is gone; returns their paths.
    @discardableResult
    package static func sweep() -> [String] { OwnedFolder.sweep(parent: scratchParent, prefix: folderPrefix) }
}
