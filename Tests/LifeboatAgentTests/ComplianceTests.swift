import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCatalog
import LifeboatCore
import Testing

@Suite struct ComplianceTests {
    let now = Date(timeIntervalSince1970: 1_735_000_000)
    let rpo = DurationValue(seconds: 24 * 3600)

    func summary(ageHours: Double?, last: BackupRecord.Status = .complete) -> PolicySummary {
        var s = PolicySummary(policy: "db")
        if let ageHours {
            s.newestComplete = PolicySummary.Newest(
                id: "c", started: now.addingTimeInterval(-ageHours * 3600), finished: nil, bytesIn: 1, bytesOut: 1,
                lockWindowMs: nil)
        }
        s.lastID = last == .complete ? "c" : "x"
        s.lastStatus = last
        return s
    }

    func verdict(_ s: PolicySummary?, space: Compliance.Space = .init()) -> Compliance.Result {
        Compliance.evaluate(policy: "db", rpo: rpo, summary: s, space: space, now: now)
    }

    @Test func okWithinEightyPercentOfTheRPO() {
        let r = verdict(summary(ageHours: 10))
        #expect(r.status == .ok && r.ageSeconds == 36000 && r.rpoSeconds == 86400 && r.newestBackup == "c")
    }

    @Test func warningPastEightyPercent() {
        #expect(verdict(summary(ageHours: 19.3)).status == .warning)
        #expect(verdict(summary(ageHours: 19.1)).status == .ok)
    }

    @Test func criticalWhenOlderThanTheRPOOrNone() {
        let old = verdict(summary(ageHours: 25))
        #expect(old.status == .critical && old.message.contains("out of its rpo"))
        let none = verdict(nil)
        #expect(none.status == .critical && none.ageSeconds == nil && none.newestBackup == nil)
        let onlyDegraded = verdict(summary(ageHours: nil, last: .degraded))
        #expect(onlyDegraded.status == .critical && onlyDegraded.message.contains("degraded"))
    }

    @Test func warningWhenTheNewestBackupIsDegradedOrFailed() {
        let d = verdict(summary(ageHours: 2, last: .degraded))
        #expect(d.status == .warning && d.message.contains("newest backup x is degraded"))
        #expect(verdict(summary(ageHours: 2, last: .failed)).status == .warning)
        #expect(verdict(summary(ageHours: 2, last: .pending)).status == .ok)
    }

    @Test func warningWhenTheSpoolOrItsDiskIsNearlyFull() {
        #expect(verdict(summary(ageHours: 1), space: .init(spoolBytes: 95, spoolMax: 100)).status == .warning)
        #expect(verdict(summary(ageHours: 1), space: .init(spoolBytes: 50, spoolMax: 100)).status == .ok)
        #expect(verdict(summary(ageHours: 1), space: .init(diskUsed: 95, diskTotal: 100)).status == .warning)
    }

    @Test func theOverallStateIsTheWorst() {
        let ok = verdict(summary(ageHours: 1))
        let warn = verdict(summary(ageHours: 20))
        let crit = verdict(nil)
        var unknown = ok
        unknown.status = .unknown
        #expect(Compliance.overall([ok, warn]) == .warning)
        #expect(Compliance.overall([warn, crit, ok]) == .critical)
        #expect(Compliance.overall([ok, unknown]) == .unknown)
        #expect(Compliance.overall([unknown, warn]) == .warning)
    }

    /// The use case over a real catalog with old rows and a fixed clock: each policy's verdict, the
    /// Nagios line and the contract's JSON.
    @Test func checkOverTheCatalogWithAFixedClock() throws {
        let f = try RunFixture(policies: [
            "fresh": "objectives: { rpo: 24h }", "aging": "objectives: { rpo: 24h }",
            "stale": "objectives: { rpo: 24h }", "empty": "objectives: { rpo: 24h }",
            "limping": "objectives: { rpo: 24h }",
        ])
        f.clock.now = now
        try f.insert(policy: "fresh", started: now.addingTimeInterval(-3600), status: .complete)
        try f.insert(policy: "aging", started: now.addingTimeInterval(-20 * 3600), status: .complete)
        try f.insert(policy: "stale", started: now.addingTimeInterval(-30 * 3600), status: .complete)
        try f.insert(policy: "stale", started: now.addingTimeInterval(-3600), status: .failedToShip)
        try f.insert(policy: "empty", started: now.addingTimeInterval(-3600), status: .failedToSpool)
        try f.insert(policy: "limping", started: now.addingTimeInterval(-7200), status: .complete)
        try f.insert(policy: "limping", started: now.addingTimeInterval(-3600), status: .degraded)
        let ctx = try f.context()
        let results = try CheckUseCase(ctx).run(policies: ctx.configuration.policies)
        let byName = Dictionary(uniqueKeysWithValues: results.map { ($0.policy, $0.status) })
        #expect(
            byName == ["fresh": .ok, "aging": .warning, "stale": .critical, "empty": .critical, "limping": .warning])
        #expect(Compliance.overall(results) == .critical)

        let line = CheckOutput.line(results)
        #expect(line.hasPrefix("LIFEBOAT CRITICAL - "))
        #expect(line.contains(" | 'aging_age'=72000s;69120;86400;0"))
        #expect(line.contains("'empty_age'=U;69120;86400;0"))
        #expect(!line.contains("\n"))

        let json = try JSONSerialization.jsonObject(with: Data(try CheckOutput.json(results).utf8)) as? [[String: Any]]
        let fresh = try #require(json?.first { $0["policy"] as? String == "fresh" })
        #expect(fresh["status"] as? String == "ok" && fresh["rpo_seconds"] as? Int == 86400)
        #expect(fresh["age_seconds"] as? Int == 3600 && (fresh["newest_backup"] as? String)?.count == 23)
        #expect(fresh["message"] is String)
        let empty = try #require(json?.first { $0["policy"] as? String == "empty" })
        #expect(
            empty["age_seconds"] is NSNull && empty["newest_backup"] is NSNull
                && empty["status"] as? String == "critical")

        let okOnly = try CheckUseCase(ctx).run(policies: [try f.policy("fresh")])
        #expect(CheckOutput.line(okOnly).hasPrefix("LIFEBOAT OK - 1 policy within rpo"))
    }

    @Test func unknownIsOneLineOrJSONWithNulls() throws {
        #expect(
            CheckOutput.unknown("x.yaml:3: bad\nHINT: fix it", policies: [], json: false)
                == "LIFEBOAT UNKNOWN - x.yaml:3: bad")
        let json = try JSONSerialization.jsonObject(
            with: Data(CheckOutput.unknown("boom", policies: ["db"], json: true).utf8))
        let item = try #require((json as? [[String: Any]])?.first)
        #expect(
            item["policy"] as? String == "db" && item["status"] as? String == "unknown" && item["age_seconds"] is NSNull
        )
    }

    @Test func warningWhileTheNewestCompleteBackupSkippedEntries() {
        let r = Compliance.evaluate(
            policy: "db", rpo: rpo, summary: summary(ageHours: 1), space: .init(), now: now, skipped: 2)
        #expect(r.status == .warning)
        #expect(r.message.contains("it skipped 2 entries that vanished or could not be read"), "\(r.message)")
        #expect(verdict(summary(ageHours: 1)).status == .ok)
    }

    @Test func listJSONCarriesSkipped() throws {
        let c = try Catalog()
        try c.beginBackup(
            id: "20231114T221320Z-abcdef", policy: "p", host: "h", kind: "files", payload: "tar",
            started: now, recipients: ["F"], destinations: ["a"])
        try c.sealBackup(
            id: "20231114T221320Z-abcdef", chunks: [], bytesIn: 1, bytesOut: 1, lockWindowMs: nil,
            finished: now, skipped: 4)
        let json = try BackupListing.json(try c.backups(policy: "p"))
        #expect(json.contains("\"skipped\" : 4"), "\(json)")
    }
}
