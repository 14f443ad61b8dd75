import Foundation
import LifeboatConfig
import LifeboatCore
import Testing

@Suite struct ConfigurationTests {
    @Test func readsAGoodPolicyWithDefaultsAndResolvedPaths() throws {
        let f = try PolicyFixture()
        let c = try Configuration.load(file: f.configPath)
        #expect(c.agent.host == "db1")
        #expect(c.agent.catalog == f.dir.file("state/catalog.sqlite"))
        let p = try #require(c.policies.first)
        #expect(p.name == "www-config")
        #expect(p.kind == .files)
        #expect(p.source.paths == ["/etc/app", f.dir.file("policies/conf")])
        #expect(p.source.exclude == ["*.tmp"])
        #expect(p.objectives.rpo.seconds == 86400)
        #expect(p.objectives.priority == .high)
        #expect(p.schedule == DurationValue(seconds: 6 * 3600))
        #expect(p.recipients == [f.dir.file("policies/keys/ops.pub.asc")])
        #expect(p.compressionLevel == 9)
        #expect(p.chunkSize.bytes == 8 << 20)
        #expect(p.destinations.first?.path == "/mnt/nas")
        #expect(p.destinations.first?.failureDomain == "site-a")
        #expect(p.retention.keepLast == 2)
        #expect(p.retention.keepDaily == 7)
        #expect(p.retention.deletedGrace.seconds == 7 * 86400)
    }

    @Test func defaultScheduleLetsOneFailedRunStillMeetTheRPO() throws {
        let f = try PolicyFixture(
            policy: PolicyFixture.goodPolicy.replacingOccurrences(of: "schedule: every 6h\n", with: ""))
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        #expect(p.schedule == nil)
        #expect(p.interval.seconds * 2 <= p.objectives.rpo.seconds)
    }

    /// Each bad policy is refused with the file, the line and what is wrong.
    @Test(arguments: [
        ("nme: x\n", 1, "unknown key 'nme'"),
        ("compression: { level: 13 }\n", 1, "compression.level must be a whole number from 0 to 12"),
        ("chunk_size: 64MB\n", 1, "chunk_size: '64MB' is not a size"),
        ("schedule: hourly\n", 1, "schedule: 'hourly' must read 'every <duration>'"),
        ("retention:\n  keep_lats: 3\n", 2, "unknown key 'retention.keep_lats'"),
        ("data: transient\n", 1, "transient data is not backed up"),
    ])
    func refusesBadPolicyLines(extra: String, lineOffset: Int, message: String) throws {
        var text = PolicyFixture.goodPolicy
        for key in ["compression:", "chunk_size:", "schedule:", "retention:", "data:"] where extra.hasPrefix(key) {
            text = Self.removingKey(key, from: text)
        }
        let base = text.split(separator: "\n", omittingEmptySubsequences: false).count
        let f = try PolicyFixture(policy: text + "\n" + extra)
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.kind == .badInput)
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):\(base + lineOffset):"), "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
        #expect(!e.message.contains("\n"))
    }

    @Test(arguments: [
        ("kind: files\n", "name is required"),
        ("name: Bad_Name\n", "must use only a-z, 0-9 and -"),
        ("name: x\nkind: oracle\n", "kind: 'oracle' is not one of"),
        ("name: x\nkind: files\nsource: {paths: [/a]}\nobjectives: {rpo: 1 day}\n", "is not a duration"),
        (
            "name: x\nkind: files\nsource: {paths: [/a]}\nobjectives: {rpo: 1d}\nencryption: {recipients: []}\n",
            "must name at least one public key"
        ),
        (
            "name: x\nkind: files\nsource: {paths: [/a]}\nobjectives: {rpo: 1d}\nencryption: {recipients: [k]}\n",
            "destinations is required"
        ),
        (
            "name: x\nkind: files\nsource: {paths: [/a]}\nobjectives: {rpo: 1d}\nencryption: {recipients: [k]}\n"
                + "destinations: [{name: a, type: local, path: /x}, {name: a, type: local, path: /y}]\n",
            "destination name 'a' appears twice"
        ),
        ("name: x\nkind: sqlite\nsource: {database: /d.db, paths: [/a]}\n", "unknown key 'source.paths'"),
        ("name: [unclosed\n", "invalid YAML"),
        ("- a\n- b\n", "policy must be a mapping"),
    ])
    func refusesBadPolicies(text: String, message: String) throws {
        let f = try PolicyFixture(policy: text)
        let e = try Self.expectRefusal(of: f, saying: message)
        #expect(e.message.hasPrefix(f.policyPath), "\(e.message)")
    }

    @Test func refusesTwoPoliciesWithOneName() throws {
        let f = try PolicyFixture()
        try PolicyFixture.goodPolicy.write(toFile: f.dir.file("policies/q.yaml"), atomically: true, encoding: .utf8)
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.message.contains("already used by"))
    }

    @Test(arguments: [
        ("hots: db1\n", "lifeboat.yaml:1: unknown key 'hots'"),
        ("spool_max: lots\n", "is not a size"),
        ("heartbeat_url: ftp://x\n", "must be an http or https URL"),
        ("policies: nowhere\n", "cannot read the policies directory"),
    ])
    func refusesBadAgentConfigs(text: String, message: String) throws {
        try Self.expectRefusal(of: PolicyFixture(config: text), saying: message)
    }

    /// Loading `f` fails as bad input (exit 65) with a message containing `message`; returns the error.
    @discardableResult
    static func expectRefusal(
        of f: PolicyFixture, saying message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> LifeboatError {
        let e = try #require(throws: LifeboatError.self, sourceLocation: sourceLocation) {
            try Configuration.load(file: f.configPath)
        }
        #expect(e.exitCode == 65, sourceLocation: sourceLocation)
        #expect(e.message.contains(message), "\(e.message)", sourceLocation: sourceLocation)
        return e
    }

    /// A heartbeat URL's path is a secret token: a refusal names the key and line, not the URL.
    @Test func aBadHeartbeatURLIsNotRepeated() throws {
        let f = try PolicyFixture(config: "heartbeat_url: htps://hc-ping.com/3f9a-secret-token\n")
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.message.contains("lifeboat.yaml:1: heartbeat_url must be an http or https URL"), "\(e.message)")
        #expect(!e.message.contains("secret-token"))
    }

    @Test func missingConfigFileNamesIt() throws {
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: "/nonexistent/lifeboat.yaml") }
        #expect(e.message.hasPrefix("/nonexistent/lifeboat.yaml: no such file"))
        // and says how the config is found, so the operator knows what to change
        #expect(e.message.contains("--config FILE, else $LIFEBOAT_CONFIG"))
    }

    static func removingKey(_ key: String, from text: String) -> String {
        var out: [Substring] = []
        var skipping = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(key) {
                skipping = true
                continue
            }
            if skipping, line.hasPrefix(" ") { continue }
            skipping = false
            out.append(line)
        }
        return out.joined(separator: "\n")
    }
}
