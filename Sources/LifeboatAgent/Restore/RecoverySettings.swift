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

    /// Writes recovery.signal and appends the settings to postgresql.auto.conf in `dataDirectory`.
    package func write(into dataDirectory: String) throws {
        let conf = "\(dataDirectory)/postgresql.auto.conf"
        var text = (try? String(contentsOfFile: conf, encoding: .utf8)) ?? ""
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        text += "# written by lifeboat restore: replay archived WAL to the target, then promote\n"
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

    static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    static func confQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
}
