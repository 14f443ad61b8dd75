import LifeboatCore

/// A backup named by the user (`--backup ID`, `undelete ID`): a well-formed id, or the text as given,
/// kept only so the "no such backup" answer can quote it; malformed text never finds or names anything.
public enum RequestedBackup: Sendable, Equatable, CustomStringConvertible {
    case id(BackupID)
    case malformed(String)

    /// Parses the user's text; what is not a well-formed id is kept only to be reported.
    public init(_ text: String) {
        self = BackupID(text).map(Self.id) ?? .malformed(text)
    }

    /// The id, when the text was a well-formed one.
    public var id: BackupID? {
        if case .id(let id) = self { return id }
        return nil
    }

    /// The text as the user wrote it.
    public var description: String {
        switch self {
        case .id(let id): return id.rawValue
        case .malformed(let text): return text
        }
    }
}
