import Foundation
import LifeboatCore
import Testing

@testable import LifeboatConfig

/// `config check` lists every fault of a file, each at its own line, not only the first; a plain load
/// still fails with the first the reader meets.
@Suite struct EveryFaultTests {
    /// The good policy with five independent mistakes, on lines 3, 9, 13, 16 and 19.
    static let fiveFaults = PolicyFixture.goodPolicy
        .replacingOccurrences(of: "kind: files", with: "kind: files\ncolour: red")
        .replacingOccurrences(of: "rpo: 24h", with: "rpo: 1 day")
        .replacingOccurrences(of: "schedule: every 6h", with: "shedule: every 6h")
        .replacingOccurrences(of: "{ level: 9 }", with: "{ level: 99 }")
        .replacingOccurrences(of: "type: local,", with: "type: tape,")

    @Test func everyFaultOfOnePolicyIsListedWithItsLine() throws {
        let f = try PolicyFixture(policy: Self.fiveFaults)
        let inspection = ConfigInspection.inspect(file: f.configPath)
        #expect(inspection.policies.isEmpty)
        let found = inspection.problems.map { "\($0.line ?? 0) \($0.message.split(separator: ": ", maxSplits: 1)[1])" }
        #expect(
            found == [
                "3 unknown key 'colour'",
                "9 objectives.rpo: '1 day' is not a duration: write '1d'",
                "13 unknown key 'shedule' (did you mean 'schedule'?)",
                "16 compression.level must be a whole number from 0 to 12",
                "19 type: 'tape' is not one of local, s3, rclone",
            ], "\(found)")
        #expect(inspection.problems.allSatisfy { $0.file == f.policyPath })
    }

    @Test func aPlainLoadFailsWithTheFirstFaultItMeets() throws {
        let f = try PolicyFixture(policy: Self.fiveFaults)
        #expect(throws: LifeboatError.self) { _ = try Configuration.load(file: f.configPath) }
        do {
            _ = try Configuration.load(file: f.configPath)
        } catch let e as LifeboatError {
            #expect(e.message.contains("objectives.rpo"), "\(e)")
        }
    }

    @Test func aFaultInEachDestinationIsListed() throws {
        let policy = PolicyFixture.goodPolicy.replacingOccurrences(
            of: "  - { name: onsite, type: local, path: /mnt/nas, failure_domain: site-a }",
            with:
                "  - { name: onsite, type: local, path: /mnt/nas, colour: red }\n  - { name: off site, type: local, path: /b }"
        )
        let f = try PolicyFixture(policy: policy)
        let problems = ConfigInspection.inspect(file: f.configPath).problems.map(\.message)
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.first?.contains("unknown key 'destinations[].colour'") == true)
        #expect(problems.last?.contains("destination name 'off site' must use only") == true)
    }

    @Test func everyFaultOfTheAgentConfigIsListed() throws {
        let f = try PolicyFixture(config: "host: a/b\npolicies: policies\nspool_max: lots\nmetrcs_textfile: m\n")
        let problems = ConfigInspection.inspect(file: f.configPath).problems
        #expect(problems.map(\.line) == [1, 3, 4], "\(problems)")
        #expect(
            problems.last?.message.contains("unknown key 'metrcs_textfile' (did you mean 'metrics_textfile'?)") == true)
    }

    @Test func aMisspeltKeyIsNotAlsoReportedAsMissing() throws {
        let f = try PolicyFixture(
            policy: PolicyFixture.goodPolicy.replacingOccurrences(of: "encryption:", with: "encyption:"))
        let problems = ConfigInspection.inspect(file: f.configPath).problems.map(\.message)
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.hasSuffix("unknown key 'encyption' (did you mean 'encryption'?)") == true)
    }

    @Test func eachRecipientKeepsItsLine() throws {
        let policy = PolicyFixture.goodPolicy.replacingOccurrences(
            of: "  recipients: [keys/ops.pub.asc]", with: "  recipients:\n    - keys/ops.pub.asc\n    - keys/dr.pub.asc"
        )
        let f = try PolicyFixture(policy: policy)
        let p = try #require(Configuration.load(file: f.configPath).policies.first)
        #expect(p.recipients.map { p.recipientLines[$0] } == [15, 16])
    }
}
