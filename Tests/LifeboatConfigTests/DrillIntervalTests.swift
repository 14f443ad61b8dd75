import Foundation
import LifeboatConfig
import LifeboatCore
import Testing

/// `drill: every DURATION` reads like `schedule:`: 30 days when absent, and a bad value is refused with
/// the file and line; the objectives reach the manifest in whole seconds.
@Suite struct DrillIntervalTests {
    static func policy(_ drill: String?) -> String {
        PolicyFixture.goodPolicy.replacingOccurrences(
            of: "schedule: every 6h\n", with: "schedule: every 6h\n" + (drill.map { "drill: \($0)\n" } ?? ""))
    }

    @Test func absentMeansThirtyDays() throws {
        let f = try PolicyFixture(policy: Self.policy(nil))
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        #expect(p.drill == DurationValue(seconds: 30 * 86400))
    }

    @Test(arguments: [("every 7d", 7 * 86400), ("every 2w", 14 * 86400), ("every 45s", 45)])
    func readsEveryDuration(text: String, seconds: Int64) throws {
        let f = try PolicyFixture(policy: Self.policy(text))
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        #expect(p.drill.seconds == seconds)
        #expect(p.manifestObjectives.drill == seconds)
    }

    @Test func objectivesReachTheManifestInSeconds() throws {
        let f = try PolicyFixture()
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        let o = p.manifestObjectives
        #expect(o.rpo == 86400 && o.rto == 3600 && o.priority == "high" && o.schedule == 6 * 3600)
        #expect(o.scenario == "someone deletes the config" && o.drill == 30 * 86400)
    }

    @Test(arguments: [
        ("monthly", "drill: 'monthly' must read 'every <duration>', like 'every 6h'"),
        ("every", "drill: 'every' must read 'every <duration>'"),
        ("every 30 days", "drill: 'every 30 days' must read 'every <duration>'"),
        ("every 0s", "drill: 'every 0s' is out of range (from every 1s to every 36525d)"),
        ("every 9999999999s", "drill: 'every 9999999999s' is out of range"),
        ("[every 30d]", "drill must be a text value"),
    ])
    func refusesABadDrillWithFileAndLine(text: String, message: String) throws {
        let f = try PolicyFixture(policy: Self.policy(text))
        let line =
            PolicyFixture.goodPolicy.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix("schedule:") }.map { $0 + 2 } ?? 0
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):\(line):"), "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
    }

    @Test func refusesAScenarioLongerThanAReaderAccepts() throws {
        let long = String(repeating: "x", count: Manifest.Objectives.maximumScenarioBytes + 1)
        let f = try PolicyFixture(
            policy: PolicyFixture.goodPolicy.replacingOccurrences(
                of: "someone deletes the config", with: long))
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(e.message.contains("objectives.scenario is 4097 bytes long"), "\(e.message)")
    }
}
