import LifeboatCore

/// Why a gzip stream could not be written or read: one error type for the compression stage,
/// so callers (backup, restore, verify) can report a damaged backup without crashing.
package struct CompressionError: MessageError, Equatable {
    /// What kind of failure this is; a struct rather than an enum so new kinds do not break callers.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        package var description: String { name }

        /// A member's deflate data, CRC-32 or ISIZE does not check out.
        package static let corruptMember = Code(name: "corrupt member")
        /// The stream ended in the middle of a member, or was empty.
        package static let truncated = Code(name: "truncated")
        /// Bytes after the last member that are not a gzip member.
        package static let trailingGarbage = Code(name: "trailing garbage")
        /// A header that is not gzip, or a size field that cannot be right.
        package static let badHeader = Code(name: "bad header")
        /// The caller asked for something impossible (a level outside 0-12, a bad block size).
        package static let invalidArgument = Code(name: "invalid argument")
        /// The library could not allocate what it needed.
        package static let resource = Code(name: "resource")
        /// The stream was used after `finish()` or after an earlier error.
        package static let misuse = Code(name: "misuse")
    }

    package let code: Code
    /// A lowercase message without a trailing period.
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
