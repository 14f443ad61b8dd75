import CLifeboatSystem
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the `lifeboat` process sets about itself before any command runs.
///
/// SIGPIPE is ignored, so a child that exits early (pg_restore, the mariadb client, a dumper) turns a
/// write to its pipe into EPIPE, reported with the child's own stderr, instead of killing Lifeboat
/// with status 141 before it can say anything or clean up. Core dumps are disabled (RLIMIT_CORE 0,
/// inherited by children, and PR_SET_DUMPABLE 0), since a restore holds an unlocked secret key and a
/// backup may hold a database password: a crash must not write them to disk.
package enum ProcessHardening {
    /// Applies both; safe to call more than once.
    package static func atStart() {
        signal(SIGPIPE, SIG_IGN)
        disableCoreDumps()
    }

    /// RLIMIT_CORE to 0 (soft and hard) and the process marked not dumpable.
    package static func disableCoreDumps() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
        _ = lifeboat_prctl(prSetDumpable, 0, 0, 0, 0)
    }

    /// Whether this process may dump core now (PR_GET_DUMPABLE): 0 after `disableCoreDumps`.
    package static var isDumpable: Bool { lifeboat_prctl(prGetDumpable, 0, 0, 0, 0) != 0 }

    // prctl(2) is variadic in C, so Swift cannot call it directly: the C shim gives it a fixed signature.
    static let prGetDumpable: Int32 = 3
    static let prSetDumpable: Int32 = 4
}
