import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatCore

/// `restore`'s recovery targets: `--until TIME`, `--until-lsn LSN`, `--until-xid XID`, `--latest`
/// (at most one), read into a `PointInTimeTarget`, and `--timeline N` (postgres) to recover along.
struct PointInTimeOptions: ParsableArguments {
    @Option(
        help: """
            Point in time: replay archived logs up to this moment (RFC 3339, or YYYY-MM-DD HH:MM:SS[.fff][+HH:MM]; \
            UTC without a zone).
            """) var until: String?
    @Option(help: "Point in time (postgres): replay WAL up to this position, e.g. 0/16B3748.") var untilLSN: String?
    @Option(help: "Point in time (postgres): replay WAL up to this transaction id.") var untilXID: String?
    @Flag(help: "Point in time: replay every archived log.") var latest = false
    @Option(
        help: "Point in time (postgres): recover along this timeline (a number; default: the newest archived one).")
    var timeline: UInt32?

    func target() throws -> PointInTimeTarget? {
        let target = try PointInTimeTarget.from(
            until: until, untilLSN: untilLSN, untilXID: untilXID, latest: latest)
        if let timeline {
            guard timeline >= 1 else { throw LifeboatError(.usage, "--timeline 0 is not a timeline (they start at 1)") }
            guard target != nil else {
                throw LifeboatError(
                    .usage, "--timeline goes with a recovery target: --until, --until-lsn, --until-xid or --latest")
            }
        }
        return target
    }

    /// The recovery settings, every path made absolute (the server runs restore_command from its data directory).
    func settings(target: PointInTimeTarget, config: String, policy: String, identity: String, passphraseFile: String?)
        throws -> RecoverySettings
    {
        RecoverySettings(
            executable: Self.executable(), config: Self.absolute(config), policy: policy,
            identity: Self.absolute(identity),
            passphraseFile: passphraseFile.map(Self.absolute), target: target, timeline: timeline)
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// This binary's own path, for restore_command.
    static func executable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? absolute(CommandLine.arguments[0])
    }
}
