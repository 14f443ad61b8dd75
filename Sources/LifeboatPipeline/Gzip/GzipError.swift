import LifeboatCore

/// Why a gzip stream could not be written or read: one error type for the compression stage,
/// so callers (backup, restore, verify) can report a damaged backup without crashing.
public struct CompressionError: MessageError, Equatable {
    /// What kind of failure this is; a struct rather than an enum so new kinds do not break callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// A member's deflate data, CRC-32 or ISIZE does not check out.
        public static let corruptMember = Code(name: "corrupt member")
        /// The stream ended in the middle of a member, or was empty.
        public static let truncated = Code(name: "truncated")
        /// Bytes after the last member that are not a gzip member.
        public static let trailingGarbage = Code(name: "trailing garbage")
        /// A header that is not gzip, or a size field that cannot be right.
        public static let badHeader = Code(name: "bad header")
        /// The caller asked for something impossible (a level outside 0-12, a bad block size).
        public static let invalidArgument = Code(name: "invalid argument")
        /// The library could not allocate what it needed.
        public static let resource = Code(name: "resource")
        /// The stream was used after `finish()` or after an earlier error.
        public static let misuse = Code(name: "misuse")
    }

    public let code: Code
    /// A lowercase message without a trailing period.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
