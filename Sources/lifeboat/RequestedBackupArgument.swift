import ArgumentParser
import LifeboatAgent

/// `--backup ID` and `undelete ID` arrive as a `RequestedBackup`: any text is accepted here, so a
/// malformed id still gets the use case's own answer and exit code rather than a parser error.
extension RequestedBackup: ExpressibleByArgument {
    package init(argument: String) {
        self.init(argument)
    }
}
