import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatCore
import Testing

/// A policy that archives binary logs: its RPO age is the newest archived log's, and a log purged
/// before it was archived is found and named.
@Suite struct BinlogComplianceTests {
    let now = Date(timeIntervalSince1970: 1_735_000_000)
    let rpo = DurationValue(seconds: 3600)

    func summary(dumpAgeHours: Double) -> PolicySummary {
        var s = PolicySummary(policy: "shop")
        s.newestComplete = PolicySummary.Newest(
            id: "c", started: now.addingTimeInterval(-dumpAgeHours * 3600), finished: nil, bytesIn: 1, bytesOut: 1,
            lockWindowMs: nil)
        s.lastID = "c"
        s.lastStatus = .complete
        return s
    }

    @Test func theNewestArchivedLogGivesTheAge() {
        let r = Compliance.evaluate(
            policy: "shop", rpo: rpo, summary: summary(dumpAgeHours: 20), space: .init(), now: now,
            newestLog: ("lb.000007", now.addingTimeInterval(-300)))
        #expect(r.status == .ok && r.ageSeconds == 300)
        #expect(r.message.contains("newest archived binary log lb.000007 is 5m old"))
    }

    @Test func anOldLogIsOutOfTheRPOToo() {
        let r = Compliance.evaluate(
            policy: "shop", rpo: rpo, summary: summary(dumpAgeHours: 20), space: .init(), now: now,
            newestLog: ("lb.000007", now.addingTimeInterval(-7200)))
        #expect(r.status == .critical && r.ageSeconds == 7200)
    }

    @Test func aLogOlderThanTheDumpDoesNotMakeItOlder() {
        let r = Compliance.evaluate(
            policy: "shop", rpo: rpo, summary: summary(dumpAgeHours: 0.1), space: .init(), now: now,
            newestLog: ("lb.000002", now.addingTimeInterval(-3 * 3600)))
        #expect(r.status == .ok && r.ageSeconds == 360)
    }

    @Test func noGapWhenEveryLogIsArchivedOrStillOnTheServer() {
        #expect(
            BinlogGap.firstMissing(
                start: "lb.000003", archived: ["lb.000003", "lb.000004"], onServer: ["lb.000005", "lb.000006"]) == nil)
        #expect(BinlogGap.firstMissing(start: "lb.000003", archived: [], onServer: ["lb.000001", "lb.000003"]) == nil)
    }

    @Test func namesTheFirstLogPurgedBeforeItWasArchived() {
        #expect(
            BinlogGap.firstMissing(
                start: "lb.000003", archived: ["lb.000003", "lb.000004"], onServer: ["lb.000007", "lb.000008"])
                == "lb.000005")
        #expect(BinlogGap.firstMissing(start: "lb.000003", archived: [], onServer: ["lb.000009"]) == "lb.000003")
        #expect(BinlogGap.name(like: "lb.000999", sequence: 1000) == "lb.001000")
        #expect(BinlogGap.name(like: "lb.999999", sequence: 1_000_000) == "lb.1000000")
    }
}
