/// The shape the typed errors of the targets share: a lowercase one-line message without a trailing
/// period, which is also what the error prints as, so no error type writes its own `description`.
package protocol MessageError: Error, CustomStringConvertible, Sendable {
    var message: String { get }
}

extension MessageError {
    package var description: String { message }
}
