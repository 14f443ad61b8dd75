import LifeboatCLI
import LifeboatCore

/// The exit code the command line's table gives an error, so these tests check what the operator sees.
extension LifeboatError {
    var exitCode: Int32 { ExitCodeTable.code(for: self) }
}
