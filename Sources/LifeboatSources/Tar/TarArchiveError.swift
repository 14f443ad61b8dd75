import LifeboatCore

/// Why an archive could not be written or extracted: one error type for the file-tree source,
/// so a backup or restore can say which path and what went wrong in one line.
package struct ArchiveError: MessageError, Equatable {
    /// What kind of failure this is; a struct rather than an enum so new kinds do not break callers.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        package var description: String { name }

        /// A header with a bad checksum, a bad number, a malformed pax record.
        package static let corrupt = Code(name: "corrupt")
        /// The archive ended before its end marker or inside an entry.
        package static let truncated = Code(name: "truncated")
        /// An entry that would write outside the target directory or through a symlink.
        package static let unsafePath = Code(name: "unsafe path")
        /// A system call on the local file system failed.
        package static let io = Code(name: "io")
        /// The caller asked for something impossible.
        package static let invalidArgument = Code(name: "invalid argument")
    }

    package let code: Code
    /// A lowercase message without a trailing period, naming the path concerned.
    package let message: String
    /// The path concerned, when there is one.
    package let path: String?

    package init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    /// An error for a failed system call, with the errno text.
    static func system(_ what: String, path: String, errno code: Int32) -> ArchiveError {
        ArchiveError(.io, "\(what) \(path): \(TarSystem.describe(errno: code))", path: path)
    }
}
