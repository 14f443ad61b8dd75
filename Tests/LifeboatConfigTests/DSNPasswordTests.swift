import Foundation
import LifeboatConfig
import LifeboatCore
import Testing

/// A password written into a policy's PostgreSQL `dsn` would reach pg_dump's command line, which `ps`
/// shows to every user: refused with the file and line, pointing to `password_file`.
@Suite struct DSNPasswordTests {
    static func policy(dsn: String) -> String {
        """
        name: orders
        kind: postgres
        source:
          dsn: "\(dsn)"
        objectives: { rpo: 1d }
        encryption: { recipients: [k] }
        destinations: [{ name: a, type: local, path: /x }]
        """
    }

    @Test(arguments: ["host=db dbname=orders password=hunter2", "postgresql://app:hunter2@db/orders"])
    func aPasswordInTheDSNIsRefused(dsn: String) throws {
        let f = try PolicyFixture(policy: Self.policy(dsn: dsn))
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):4:"), "\(e.message)")
        #expect(e.message.contains("password_file"))
        #expect(!e.message.contains("hunter2"), "the message must not repeat the password")
    }

    @Test func aDSNWithoutAPasswordIsTaken() throws {
        let f = try PolicyFixture(policy: Self.policy(dsn: "host=db dbname=orders user=app"))
        #expect(
            try Configuration.load(file: f.configPath).policies.first?.source.dsn == "host=db dbname=orders user=app")
    }
}
