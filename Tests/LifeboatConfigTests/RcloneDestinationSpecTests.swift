import Foundation
import LifeboatConfig
import LifeboatCore
import Testing

/// `type: rclone` is checked at load, before anything runs: the config file is private and defines the
/// remote; and `min_failure_domains` cannot ask for more domains than the policy has destinations.
@Suite struct RcloneDestinationSpecTests {
    static func policy(_ destinations: String, extra: String = "") -> String {
        """
        name: x
        kind: files
        source: { paths: [/a] }
        objectives: { rpo: 1d }
        encryption: { recipients: [k] }
        destinations:
        \(destinations)
        \(extra)
        """
    }

    static let rcloneDestination = """
          - name: box
            type: rclone
            remote: "box:backups/lifeboat"
            config: rclone.conf
            timeout: 30s
            failure_domain: provider-c
        """

    /// A fixture with `rclone.conf` beside the policy, holding `sections`, with `mode`.
    static func fixture(_ text: String, sections: [String] = ["box"], mode: mode_t = 0o600) throws -> PolicyFixture {
        let f = try PolicyFixture(policy: text)
        let conf = f.dir.file("policies/rclone.conf")
        try sections.map { "[\($0)]\ntype = local\n" }.joined().write(toFile: conf, atomically: true, encoding: .utf8)
        chmod(conf, mode)
        return f
    }

    @Test func aPrivateConfigDefiningTheRemoteLoads() throws {
        let f = try Self.fixture(Self.policy(Self.rcloneDestination), sections: ["other", "box"])
        let d = try #require(try Configuration.load(file: f.configPath).policies.first?.destinations.first)
        guard case .rclone(let r) = d.location else {
            Issue.record("not an rclone destination: \(d.location)")
            return
        }
        #expect(r.remote == "box:backups/lifeboat")
        #expect(r.config == f.dir.file("policies/rclone.conf"))
        #expect(r.binary.hasSuffix("/rclone"))
        #expect(r.idleTimeout == 30)
        #expect(d.failureDomain == "provider-c")
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660] as [mode_t])
    func aConfigOthersCanReachIsRefusedWithFileAndLine(mode: mode_t) throws {
        let f = try Self.fixture(Self.policy(Self.rcloneDestination), mode: mode)
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(
            e.message.hasPrefix(
                "\(f.policyPath):10: rclone config \(f.dir.file("policies/rclone.conf")) is open to group or others"),
            "\(e.message)")
    }

    @Test func aRemoteTheConfigDoesNotDefineIsRefused() throws {
        let f = try Self.fixture(Self.policy(Self.rcloneDestination), sections: ["boxes", "other"])
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):9: rclone remote 'box' is not defined in"), "\(e.message)")
    }

    @Test(arguments: [
        ":sftp,host=example.net:backups", "backups", "-x:y", "box,opt=1:path", "box\\u0007:path",
    ])
    func aRemoteThatIsNotANamedOneIsRefused(remote: String) throws {
        let text = Self.rcloneDestination.replacingOccurrences(of: "box:backups/lifeboat", with: remote)
        let f = try Self.fixture(Self.policy(text))
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):9: remote '"), "\(e.message)")
    }

    @Test func aMissingConfigIsRefused() throws {
        let f = try PolicyFixture(policy: Self.policy(Self.rcloneDestination))
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(e.message.contains("p.yaml:10: rclone config"), "\(e.message)")
        #expect(e.message.contains("cannot be read"), "\(e.message)")
    }

    @Test func minFailureDomainsIsReadAndBounded() throws {
        let two = """
              - { name: a, type: local, path: /x, failure_domain: site-a }
              - { name: b, type: local, path: /y, failure_domain: site-b }
            """
        let ok = try PolicyFixture(policy: Self.policy(two, extra: "min_failure_domains: 2"))
        #expect(try Configuration.load(file: ok.configPath).policies.first?.minFailureDomains == 2)
        let none = try PolicyFixture(policy: Self.policy(two))
        #expect(try Configuration.load(file: none.configPath).policies.first?.minFailureDomains == nil)

        let tooMany = try PolicyFixture(policy: Self.policy(two, extra: "min_failure_domains: 3"))
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: tooMany.configPath) }
        #expect(e.exitCode == 65)
        #expect(
            e.message.hasPrefix("\(tooMany.policyPath):9: min_failure_domains is 3 but the policy names 2"),
            "\(e.message)")
        let zero = try PolicyFixture(policy: Self.policy(two, extra: "min_failure_domains: 0"))
        #expect(throws: LifeboatError.self) { try Configuration.load(file: zero.configPath) }
    }
}
