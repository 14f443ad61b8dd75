import Foundation
import LifeboatAgent
import LifeboatCore
import Testing

/// The recovery settings a point-in-time restore writes: restore_command calls wal-fetch with every
/// path quoted for the shell and the whole quoted for postgresql.conf; one recovery_target_* per target.
@Suite struct RecoverySettingsTests {
    static func settings(_ target: PointInTimeTarget, identity: String = "/keys/ops.sec.asc") -> RecoverySettings {
        RecoverySettings(
            executable: "/usr/local/bin/lifeboat", config: "/etc/lifeboat/lifeboat.yaml", policy: "orders",
            identity: identity, passphraseFile: nil, target: target)
    }

    @Test func restoreCommandCallsWalFetchWithTheConfigPolicyAndIdentity() {
        #expect(
            Self.settings(.latest).restoreCommand
                == "'/usr/local/bin/lifeboat' 'wal-fetch' '--config' '/etc/lifeboat/lifeboat.yaml' '--policy' 'orders' '--identity' '/keys/ops.sec.asc' %f %p"
        )
    }

    @Test func quotesSurviveBothTheShellAndTheConfFile() throws {
        let settings = Self.settings(.latest, identity: "/keys/o'ps $HOME.asc")
        let line = settings.lines[0]
        let prefix = "restore_command = '"
        #expect(line.hasPrefix(prefix) && line.hasSuffix("'"))
        let unquoted = String(line.dropFirst(prefix.count).dropLast()).replacingOccurrences(of: "''", with: "'")
        #expect(unquoted == settings.restoreCommand, "postgresql.conf reads back the command")
        let sh = Process()
        sh.executableURL = URL(fileURLWithPath: "/bin/sh")
        sh.arguments = ["-c", "printf '%s\\n' " + settings.restoreCommand]
        let out = Pipe()
        sh.standardOutput = out
        try sh.run()
        sh.waitUntilExit()
        let words = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(words.contains("/keys/o'ps $HOME.asc"), "the shell passes the path on unchanged: \(words)")
    }

    @Test func oneTargetSettingPerKindAndAlwaysPromote() throws {
        let t = try #require(PointInTimeTarget.parseTime("2026-11-29 14:05:00Z"))
        let cases: [(PointInTimeTarget, String?)] = [
            (.time(t), "recovery_target_time = '2026-11-29 14:05:00.000000+00'"),
            (.lsn(PostgresLSN(0x16_B374_8000)), "recovery_target_lsn = '16/B3748000'"),
            (.xid(742), "recovery_target_xid = '742'"),
            (.latest, nil),
        ]
        for (target, expected) in cases {
            let lines = Self.settings(target).lines
            #expect(
                lines.filter { $0.hasPrefix("recovery_target_") && !$0.contains("timeline") && !$0.contains("action") }
                    == (expected.map { [$0] } ?? []))
            #expect(lines.last == "recovery_target_action = 'promote'")
        }
    }

    @Test func followsTheNewestTimelineUnlessOneIsNamed() {
        #expect(Self.settings(.latest).lines.contains("recovery_target_timeline = 'latest'"))
        var named = Self.settings(.latest)
        named.timeline = 2
        #expect(named.lines.contains("recovery_target_timeline = '2'"))
        #expect(!named.lines.contains("recovery_target_timeline = 'latest'"))
    }

    @Test func recoverySettingsAlreadyThereAreReplaced() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // What a server restored and promoted once carries into the base backups taken of it.
        try Self.settings(.xid(900)).write(into: dir)
        try
            "work_mem = '8MB'\nRecovery_Target_Time = '2026-01-01'\n  recovery_target_inclusive=off\nrestore_commandx = 1\n"
            .write(toFile: "\(dir)/postgresql.auto.conf", atomically: true, encoding: .utf8)
        try Self.settings(.xid(900)).write(into: dir)
        try Self.settings(.latest).write(into: dir)
        let text = try String(contentsOfFile: "\(dir)/postgresql.auto.conf", encoding: .utf8)
        #expect(text.hasPrefix("work_mem = '8MB'\nrestore_commandx = 1\n# written by lifeboat restore"))
        #expect(!text.lowercased().contains("recovery_target_time ="), "\(text)")
        #expect(!text.contains("recovery_target_xid") && !text.contains("recovery_target_inclusive"))
        #expect(text.components(separatedBy: "restore_command = ").count == 2, "one restore_command: \(text)")
        #expect(text.components(separatedBy: "# written by lifeboat restore").count == 2)
    }

    @Test func writesTheSignalAndAppendsToAutoConf() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "work_mem = '8MB'".write(toFile: "\(dir)/postgresql.auto.conf", atomically: true, encoding: .utf8)
        try Self.settings(.xid(900)).write(into: dir)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/recovery.signal"))
        let text = try String(contentsOfFile: "\(dir)/postgresql.auto.conf", encoding: .utf8)
        #expect(text.hasPrefix("work_mem = '8MB'\n# written by lifeboat restore"))
        #expect(text.contains("\nrecovery_target_xid = '900'\n"))
    }
}
