import LifeboatAgent
import LifeboatCore
import LifeboatCrypto

/// The one place that turns an outcome or an error into the exit code the command line documents,
/// so every subcommand exits the same way for the same failure.
package enum ExitCodeTable {
    /// Everything worked (check: OK).
    package static let success: Int32 = 0
    /// A backup, restore, verify or other operation failed or is degraded (check: WARNING).
    package static let failure: Int32 = 1
    /// The command line is wrong (sysexits EX_USAGE).
    package static let usage: Int32 = 64
    /// A config, policy or key file is malformed (sysexits EX_DATAERR).
    package static let badInput: Int32 = 65
    /// `wal-fetch`: the file may be archived but no copy could be read and verified. Above 125, so
    /// PostgreSQL aborts recovery instead of taking the failure for the end of the archive.
    package static let abortRecovery: Int32 = 126

    /// The exit code of any error a subcommand lets out.
    package static func code(for error: Error) -> Int32 {
        switch error {
        case let e as LifeboatError: return code(for: e.kind)
        case let e as CryptoError: return e.isBadInput ? badInput : failure
        default: return failure
        }
    }

    /// The exit code of each class of `LifeboatError`.
    package static func code(for kind: LifeboatError.Kind) -> Int32 {
        switch kind {
        case .badInput: return badInput
        case .usage: return usage
        case .failed, .state: return failure
        }
    }

    /// `check` exits as a Nagios plugin: OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3.
    package static func code(for status: Compliance.Status) -> Int32 {
        switch status {
        case .ok: return 0
        case .warning: return 1
        case .critical: return 2
        case .unknown: return 3
        }
    }

    /// The table as `--help` lists it.
    package static let helpText = """
        EXIT STATUS
          0   success (check: OK)
          1   a backup, restore or verify failed or is degraded (check: WARNING)
          2   check: CRITICAL
          3   check: UNKNOWN
          64  usage error
          65  bad input file (config, policy, key)
          126 wal-fetch: a file that may be archived could not be read or verified (recovery stops)
        """
}
