import Foundation
import LifeboatConfig
import LifeboatCore
import Testing

/// YAML aliases that would make reading a file cost far more than its size are refused with exit 65.
@Suite struct YAMLAliasGuardTests {
    /// Ten lists of ten aliases each, nested eight deep: 10^9 values from a few hundred bytes.
    static func laughs(then last: String) -> String {
        var lines = ["x0: &a0 [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]"]
        for i in 1...8 {
            lines.append("x\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ",") + "]")
        }
        return (lines + [last]).joined(separator: "\n") + "\n"
    }

    /// Found by the config fuzz target's author (Fuzz/corpus/config/regression-alias-key-hang.yaml): Yams
    /// hashes every mapping key, so this key hung the reader for hours; the same aliases as a value were cheap.
    @Test(arguments: [laughs(then: "? *a8\n: 1"), laughs(then: "[*a8]: 1"), laughs(then: "name: *a8")])
    func aliasBombsAreRefusedAtOnce(text: String) throws {
        let f = try PolicyFixture(policy: text)
        let start = Date()
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):"), "\(e.message)")
        #expect(e.message.contains("aliases expand it to more than 100000 values"), "\(e.message)")
    }

    @Test(arguments: ["? [a, b]\n: 1\n", "k: &k {a: 1}\n*k : 2\n", "{[x]: 1}\n"])
    func aKeyThatIsAListOrMappingIsRefused(text: String) throws {
        let f = try PolicyFixture(policy: text)
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(e.message.contains("a key must be a plain value"), "\(e.message)")
    }

    @Test func ordinaryAnchorsAndAliasesStillWork() throws {
        let text = PolicyFixture.goodPolicy.replacingOccurrences(
            of: "  rpo: 24h", with: "  rpo: &day 24h"
        ).replacingOccurrences(of: "  deleted_grace: 7d", with: "  deleted_grace: *day")
        let f = try PolicyFixture(policy: text)
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        #expect(p.retention.deletedGrace.seconds == 86400)
    }
}
