import LifeboatCore

/// The object a command prints on standard output when it fails in `--json` mode, so a script that
/// parses the output always gets JSON: `error` (the same line standard error shows), `hint` (what to
/// do, or null) and `exit_code` (the code the process exits with).
package struct JSONFailure: Encodable, Equatable {
    package let error: String
    package let hint: String?
    package let exitCode: Int32

    enum CodingKeys: String, CodingKey {
        case error, hint
        case exitCode = "exit_code"
    }

    package init(error: String, hint: String?, exitCode: Int32) {
        self.error = error
        self.hint = hint
        self.exitCode = exitCode
    }

    /// The object for an error a command lets out, with the exit code the table gives it.
    package init(_ thrown: Error) {
        if let e = thrown as? LifeboatError {
            self.init(error: e.message, hint: e.hint, exitCode: ExitCodeTable.code(for: thrown))
        } else {
            self.init(error: String(describing: thrown), hint: nil, exitCode: ExitCodeTable.code(for: thrown))
        }
    }

    /// Every field, `hint` as null when there is none.
    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(error, forKey: .error)
        try c.encode(hint, forKey: .hint)
        try c.encode(exitCode, forKey: .exitCode)
    }

    /// One line of JSON (a script may read the output line by line).
    package func text() -> String {
        (try? JSONText.encodeLine(self)) ?? #"{"error":"unprintable error","exit_code":\#(exitCode),"hint":null}"#
    }
}
