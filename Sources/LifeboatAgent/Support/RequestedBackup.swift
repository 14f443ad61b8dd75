import LifeboatCore

/// A backup named by the user (`--backup ID`, `undelete ID`): a well-formed id, or the text as given,
/// kept only so the "no such backup" answer can quote it; malformed text never finds or names anything.
package enum RequestedBackup: Sendable, Equatable, CustomStringConvertible {
    case id(BackupID)
    case malformed(String)

    /// Parses the user's text; what is not a well-formed id is kept only to be reported.
    package init(_ text: String) {
        self = BackupID(text).map(Self.id) ?? .malformed(text)
    }

    /// The id, when the text was a well-formed one.
    package var id: BackupID? {
        if case .id(let id) = self { return id }
        return nil
    }

    /// The text as the user wrote it.
    package var description: String {
        switch self {
        case .id(let id): return id.rawValue
        case .malformed(let text): return text
        }
    }
}
