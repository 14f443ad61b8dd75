/// What an archive run or an extraction did: counts for the catalog and the operator, and the
/// warnings (vanished, changed or unreadable files, skipped special files) that did not stop it.
package struct ArchiveReport: Sendable, Equatable {
    package var files: Int
    package var directories: Int
    package var symlinks: Int
    package var hardlinks: Int
    /// Bytes of file content (not counting headers and padding).
    package var bytes: Int64
    /// Entries left out because they vanished or could not be read while the tree was walked.
    package var skipped: Int
    package var warnings: [String]

    package init(
        files: Int = 0, directories: Int = 0, symlinks: Int = 0, hardlinks: Int = 0, bytes: Int64 = 0,
        skipped: Int = 0, warnings: [String] = []
    ) {
        self.files = files
        self.directories = directories
        self.symlinks = symlinks
        self.hardlinks = hardlinks
        self.bytes = bytes
        self.skipped = skipped
        self.warnings = warnings
    }
}
