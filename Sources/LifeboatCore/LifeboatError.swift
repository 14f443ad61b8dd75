/// The one error type that reaches the command line: what went wrong, where, and its kind, which the
/// command line maps to an exit code.
///
/// Messages are lowercase with no trailing period; `hint` tells the operator what to do.
package struct LifeboatError: Error, CustomStringConvertible, Sendable {
    /// The classes of failure; the command line gives each a fixed exit code.
    package enum Kind: Sendable, Equatable {
        /// A config, policy or key file is malformed (exit 65).
        case badInput
        /// The command line is wrong (exit 64).
        case usage
        /// A backup, restore, verify or other operation failed (exit 1).
        case failed
        /// The catalog or another local state could not be read (exit 3 for check, else 1).
        case state
    }

    package let kind: Kind
    package let message: String
    package let hint: String?
    /// The file (and line) at fault, when one is: `config check --json` reports them apart.
    package private(set) var file: String?
    package private(set) var line: Int?

    package init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    package static func badInput(_ file: String, line: Int? = nil, _ what: String, hint: String? = nil)
        -> LifeboatError
    {
        let place = line.map { "\(file):\($0)" } ?? file
        var e = LifeboatError(.badInput, "\(place): \(what)", hint: hint)
        e.file = file
        e.line = line
        return e
    }

    package static func failed(_ message: String, hint: String? = nil) -> LifeboatError {
        LifeboatError(.failed, message, hint: hint)
    }

    package var description: String {
        if let hint { return "\(message)\nHINT: \(hint)" }
        return message
    }
}
