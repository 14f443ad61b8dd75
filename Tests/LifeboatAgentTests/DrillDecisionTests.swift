import Foundation
import LifeboatCatalog
import LifeboatCore
import Testing

@testable import LifeboatAgent

/// What a drill run decides without touching anything: which policies are due, the verdict against the
/// RTO and the exit code, the names of scratch databases, and the payload digest comparison.
@Suite struct DrillDecisionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func entry(_ policy: String, drill: Int64?, lastDrill: Date?) -> FleetEntry {
        let latest = drill.map {
            LatestIndex(
                host: "db1", policy: policy, kind: "files", id: "20270115T080000Z-abcdef",
                started: "2027-01-15T08:00:00Z", finished: "2027-01-15T08:00:05Z", payload: "tar", payloadSize: 1,
                payloadSHA256: nil,
                objectives: Manifest.Objectives(
                    rpo: 86_400, rto: 3600, priority: "high", scenario: nil, schedule: 43_200, drill: $0),
                signer: "F")
        }
        let record = lastDrill.map {
            DrillRecord(
                host: "db1", policy: policy, backupID: nil, started: $0, finished: $0, result: .passed, seconds: 1,
                bytes: 1, rtoSeconds: nil, detail: "", error: nil)
        }
        return FleetEntry(host: "db1", policy: policy, latest: latest, holding: [], problems: [], lastDrill: record)
    }

    @Test func dueWhenNeverDrilledOrOlderThanItsInterval() {
        let day: TimeInterval = 86_400
        let entries = [
            entry("never", drill: 86_400, lastDrill: nil),
            entry("fresh", drill: 7 * 86_400, lastDrill: now - 2 * day),
            entry("stale", drill: 7 * 86_400, lastDrill: now - 8 * day),
            entry("exactly", drill: 86_400, lastDrill: now - day),
            entry("no-index-fresh", drill: nil, lastDrill: now - 29 * day),
            entry("no-index-stale", drill: nil, lastDrill: now - 31 * day),
        ]
        #expect(
            DrillSelection.due(entries, now: now).map(\.policy) == ["never", "stale", "exactly", "no-index-stale"])
    }

    @Test func namesAreHostSlashPolicy() throws {
        let t = try DrillSelection.parse("db1/orders")
        #expect(t.host == "db1" && t.policy == "orders")
        for bad in ["db1", "db1/", "/orders", "db1/orders/x", "../orders", "db1/..", "db1/Orders", ""] {
            #expect(throws: LifeboatError.self, "\(bad)") { try DrillSelection.parse(bad) }
        }
    }

    @Test func verdictAgainstTheRTO() {
        #expect(DrillVerdict.judge(proven: true, seconds: 1.5, rto: 3600) == .passed)
        #expect(DrillVerdict.judge(proven: true, seconds: 1.5, rto: nil) == .passed)
        #expect(DrillVerdict.judge(proven: true, seconds: 1.5, rto: 1) == .slow)
        #expect(DrillVerdict.judge(proven: true, seconds: 1.0, rto: 1) == .passed)
        #expect(DrillVerdict.judge(proven: false, seconds: 0.1, rto: 3600) == .failed)
        #expect(DrillVerdict.exitCode([]) == 0)
        #expect(DrillVerdict.exitCode([.passed, .passed]) == 0)
        #expect(DrillVerdict.exitCode([.passed, .slow]) == 1)
        #expect(DrillVerdict.exitCode([.failed]) == 1)
    }

    @Test func scratchDatabaseNamesAreOnlyTheDrillsOwn() {
        var i = 0
        let name = ScratchDatabaseName.make { n in
            i += 1
            return i % n
        }
        #expect(name == "lifeboat_drill_bcdefghijk")
        #expect(ScratchDatabaseName.isDrillDatabase(ScratchDatabaseName.make()))
        for other in [
            "postgres", "lifeboat_drill_", "lifeboat_drill_ABCDEFGHIJ", "lifeboat_drill_abc", "orders",
            "lifeboat_drill_abcdefghij; DROP", "x_lifeboat_drill_abcdefghij",
        ] {
            #expect(!ScratchDatabaseName.isDrillDatabase(other), "\(other)")
        }
    }

    @Test func payloadDigestComparison() throws {
        let sha = String(repeating: "ab", count: 32)
        #expect(
            try DrillUseCase.checkDigest(size: 10, sha256: sha, manifestSize: 10, manifestSHA256: sha)
                == "payload sha256 and size match the manifest")
        #expect(
            try DrillUseCase.checkDigest(size: 10, sha256: sha, manifestSize: nil, manifestSHA256: nil).contains(
                "records no payload digest"))
        #expect(throws: LifeboatError.self) {
            try DrillUseCase.checkDigest(
                size: 10, sha256: sha, manifestSize: 10, manifestSHA256: String(repeating: "0", count: 64))
        }
        #expect(throws: LifeboatError.self) {
            try DrillUseCase.checkDigest(size: 11, sha256: sha, manifestSize: 10, manifestSHA256: sha)
        }
    }

    @Test func countsHaveThousandsSeparators() {
        #expect(Count.text(0) == "0")
        #expect(Count.text(999) == "999")
        #expect(Count.text(1200) == "1,200")
        #expect(Count.text(1_234_567) == "1,234,567")
        #expect(Count.of(1, "table") == "1 table")
        #expect(Count.of(1200, "row") == "1,200 rows")
        #expect(Count.of(0, "entry", "entries") == "0 entries")
    }
}
