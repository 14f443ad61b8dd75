import Foundation
import LifeboatConfig
import LifeboatCore
import Testing

/// `binlog: { every: DURATION }` belongs to a mariadb policy only, at least a minute apart; a mistake is
/// one line with the file and line, exit 65.
@Suite struct BinlogSpecTests {
    static func mariadb(_ binlog: String?) -> String {
        PolicyFixture.goodPolicy.replacingOccurrences(
            of: "kind: files\n", with: "kind: mariadb\n"
        ).replacingOccurrences(
            of: "  paths: [/etc/app, conf]\n  exclude: [\"*.tmp\"]\n", with: "  socket: /run/m.sock\n  database: shop\n"
        ).replacingOccurrences(of: "schedule: every 6h\n", with: "schedule: every 6h\n" + (binlog ?? ""))
    }

    @Test func absentMeansNoArchiving() throws {
        let f = try PolicyFixture(policy: Self.mariadb(nil))
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        #expect(p.binlog == nil)
    }

    @Test func readsEvery() throws {
        let f = try PolicyFixture(policy: Self.mariadb("binlog: { every: 5m }\n"))
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        #expect(p.binlog == BinlogSpec(every: DurationValue(seconds: 300)))
    }

    @Test(arguments: [
        ("binlog: { every: 30s }\n", "binlog.every is 30s; at least 1m is allowed"),
        ("binlog: { every: 5m, keep: 3 }\n", "keep"),
        ("binlog: {}\n", "every"),
    ])
    func refusesABadBinlogWithFileAndLine(text: String, message: String) throws {
        let f = try PolicyFixture(policy: Self.mariadb(text))
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(e.description.contains(message), "\(e.description)")
        #expect(e.description.contains("p.yaml:"), "\(e.description)")
    }

    @Test func refusesBinlogOnAnotherKind() throws {
        let text = PolicyFixture.goodPolicy.replacingOccurrences(
            of: "schedule: every 6h\n", with: "schedule: every 6h\nbinlog: { every: 5m }\n")
        let f = try PolicyFixture(policy: text)
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.description.contains("only a mariadb policy archives binary logs"), "\(e.description)")
    }
}
