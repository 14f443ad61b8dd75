import Foundation
import LifeboatCore

/// What makes a restored PostgreSQL data directory replay archived WAL to a target when it starts:
/// `recovery.signal`, and in `postgresql.auto.conf` a `restore_command` calling this binary's
/// `wal-fetch` with the config and identity the restore used, the `recovery_target_*` setting, the
/// timeline to follow (the newest archived one unless told) and `recovery_target_action = 'promote'`.
package struct RecoverySettings {
    package var executable: String
    package var config: String
    package var policy: String
    package var identity: String
    package var passphraseFile: String?
    package var target: PointInTimeTarget
    /// `--timeline`: recovery follows this timeline's history; nil follows the newest archived one.
    package var timeline: UInt32?

    package init(
        executable: String, config: String, policy: String, identity: String, passphraseFile: String?,
        target: PointInTimeTarget, timeline: UInt32? = nil
    ) {
        self.executable = executable
        self.config = config
        self.policy = policy
        self.identity = identity
        self.passphraseFile = passphraseFile
        self.target = target
        self.timeline = timeline
    }

    /// The command line PostgreSQL runs through the shell, every path single-quoted.
    package var restoreCommand: String {
        var words = [executable, "wal-fetch", "--config", config, "--policy", policy, "--identity", identity]
        if let passphraseFile { words += ["--passphrase-file", passphraseFile] }
        return (words.map(Self.shellQuoted) + ["%f", "%p"]).joined(separator: " ")
    }

    /// The lines appended to postgresql.auto.conf.
    package var lines: [String] {
        var out = ["restore_command = \(Self.confQuoted(restoreCommand))"]
        switch target {
        case .time(let date):
            out.append("recovery_target_time = \(Self.confQuoted(PointInTimeTarget.postgresTime(date)))")
        case .lsn(let lsn): out.append("recovery_target_lsn = \(Self.confQuoted(lsn.description))")
        case .xid(let xid): out.append("recovery_target_xid = \(Self.confQuoted(String(xid)))")
        case .latest: break
        }
        out.append("recovery_target_timeline = \(Self.confQuoted(timeline.map { String($0) } ?? "latest"))")
        out.append("recovery_target_action = 'promote'")
        return out
    }

    /// Writes recovery.signal and appends the settings to postgresql.auto.conf in `dataDirectory`, first
    /// removing the recovery settings already there: a server that was itself restored and promoted
    /// carries its own restore's (a `recovery_target_time` before this base backup, say) into the base
    /// backups taken of it, and PostgreSQL would stop at them.
    package func write(into dataDirectory: String) throws {
        let conf = "\(dataDirectory)/postgresql.auto.conf"
        var text = Self.withoutRecoverySettings((try? String(contentsOfFile: conf, encoding: .utf8)) ?? "")
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        text += Self.comment + ": replay archived WAL to the target, then promote\n"
        text += lines.joined(separator: "\n") + "\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: conf), options: .atomic)
            try Data().write(to: URL(fileURLWithPath: "\(dataDirectory)/recovery.signal"))
        } catch {
            throw LifeboatError.failed(
                "cannot write the recovery settings into \(dataDirectory): \(error.localizedDescription)")
        }
        chmod(conf, 0o600)
        chmod("\(dataDirectory)/recovery.signal", 0o600)
    }

    /// `conf` without its `restore_command` and `recovery_target*` lines and the comment this type writes.
    static func withoutRecoverySettings(_ conf: String) -> String {
        let kept = conf.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            let t = line.drop { $0 == " " || $0 == "\t" }
            if t.hasPrefix(Self.comment) { return false }
            let key = t.prefix { $0.isLetter || $0.isNumber || $0 == "_" }.lowercased()
            let setting = key == "restore_command" || key.hasPrefix("recovery_target")
            return !(setting && t.dropFirst(key.count).drop { $0 == " " || $0 == "\t" }.hasPrefix("="))
        }
        return kept.joined(separator: "\n")
    }

    static let comment = "# written by lifeboat restore"

    static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    static func confQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
}
