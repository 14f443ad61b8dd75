import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatTestSupport
import Testing

/// The recovery host's config: read whole with paths resolved beside it, and every fault refused with
/// one line naming the file (and line) before any drill or listing starts.
@Suite struct RecoveryConfigTests {
    static let good = """
        role: recovery
        catalog: state/recovery.sqlite
        scratch: state/scratch
        destinations:
          - { name: nas, type: local, path: /mnt/nas/lifeboat, failure_domain: site-a }
        identities:
          - { key: keys/ops.sec.asc, passphrase_file: keys/ops.pass }
        trusted_signers: [keys/db1.signing.pub.asc]
        scratch_databases:
          postgres: "host=127.0.0.1 port=5432 user=postgres"
          mariadb: "socket=/run/mysqld/mysqld.sock user=root"
        metrics_textfile: state/fleet.prom

        """

    /// A folder holding the config and the key files it names.
    func fixture(_ text: String = good) throws -> (TemporaryDirectory, String) {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("keys"), withIntermediateDirectories: true)
        for name in ["ops.sec.asc", "ops.pass", "db1.signing.pub.asc"] {
            try "x".write(toFile: dir.file("keys/\(name)"), atomically: true, encoding: .utf8)
        }
        let path = dir.file("recovery.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    @Test func readsEveryKeyWithPathsBesideTheConfig() throws {
        let (dir, path) = try fixture()
        let c = try RecoveryConfig.load(file: path)
        #expect(c.catalog == dir.file("state/recovery.sqlite"))
        #expect(c.scratch == dir.file("state/scratch"))
        #expect(c.destinations.map(\.name) == ["nas"])
        #expect(c.destinations.first?.failureDomain == "site-a")
        #expect(c.identities == [.init(key: dir.file("keys/ops.sec.asc"), passphraseFile: dir.file("keys/ops.pass"))])
        #expect(c.trustedSigners == [dir.file("keys/db1.signing.pub.asc")])
        #expect(c.scratchDatabases.postgres == "host=127.0.0.1 port=5432 user=postgres")
        #expect(c.scratchDatabases.mariadb == "socket=/run/mysqld/mysqld.sock user=root")
        #expect(c.metricsTextfile == dir.file("state/fleet.prom"))
        #expect(ConfigRole.of(file: path) == .recovery)
    }

    /// Each mistake gives one line naming the file, the line where it has one, and what is wrong.
    @Test(arguments: [
        (
            "identities:\n  - { key: keys/ops.sec.asc, passphrase_file: keys/ops.pass }\n",
            "identities:\n  - { key: keys/missing.sec.asc }\n", "missing.sec.asc: cannot read this identity key"
        ),
        (
            "trusted_signers: [keys/db1.signing.pub.asc]\n", "trusted_signers: []\n",
            "trusted_signers must name at least one public key"
        ),
        ("trusted_signers: [keys/db1.signing.pub.asc]\n", "", "trusted_signers is required"),
        ("metrics_textfile: state/fleet.prom\n", "metrics_textfil: x\n", "unknown key 'metrics_textfil'"),
        (
            "  mariadb: \"socket=/run/mysqld/mysqld.sock user=root\"\n", "  mysql: x\n",
            "unknown key 'scratch_databases.mysql'"
        ),
        ("role: recovery\n", "role: recover\n", "role must be 'recovery'"),
    ])
    func refusesAMistakeWithOneLine(old: String, new: String, message: String) throws {
        let (dir, path) = try fixture(Self.good.replacingOccurrences(of: old, with: new))
        defer { withExtendedLifetime(dir) {} }
        do {
            _ = try RecoveryConfig.load(file: path)
            Issue.record("accepted a config with \(new.debugDescription)")
        } catch let e as LifeboatError {
            #expect(e.kind == .badInput)
            #expect(e.description.contains(message), "\(e.description)")
            #expect(!e.description.contains("\n"))
        }
    }

    /// A recovery config handed to a backup host's commands says what it is instead of "unknown key".
    @Test func theAgentLoaderNamesARecoveryConfig() throws {
        let (dir, path) = try fixture()
        defer { withExtendedLifetime(dir) {} }
        do {
            _ = try AgentConfig.load(file: path)
            Issue.record("the agent loader accepted a recovery config")
        } catch let e as LifeboatError {
            #expect(e.description.contains("recovery host's config (role: recovery)"), "\(e.description)")
            #expect(e.description.contains(":1:") || e.description.contains("line 1"), "\(e.description)")
        }
        #expect(ConfigRole.of(file: "/nonexistent/lifeboat.yaml") == .agent)
    }
}
