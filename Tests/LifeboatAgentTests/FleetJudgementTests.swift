import Foundation
import LifeboatCatalog
import LifeboatCore
import Testing

@testable import LifeboatAgent

/// The fleet's verdicts as pure functions of entries and an injected clock: RPO as `check` judges it,
/// a silent host, drills failed, slow, overdue or never run.
@Suite struct FleetJudgementTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    func entry(
        host: String = "web1", policy: String = "site", age: TimeInterval?, rpo: Int64 = 86400,
        problems: [String] = [], drill: DrillRecord? = nil
    ) -> FleetEntry {
        let latest = age.map { a -> LatestIndex in
            let started = now - a
            return LatestIndex(
                host: host, policy: policy, kind: "files", id: BackupID(date: started).rawValue,
                started: Timestamp.iso8601(started), finished: Timestamp.iso8601(started + 5), payload: "tar",
                payloadSize: nil, payloadSHA256: nil,
                objectives: .init(rpo: rpo, rto: 3600, priority: "high", scenario: nil, schedule: 3600, drill: 86400),
                signer: String(repeating: "A", count: 40))
        }
        return FleetEntry(
            host: host, policy: policy, latest: latest, holding: latest == nil ? [] : ["nas"], problems: problems,
            lastDrill: drill ?? passedDrill(ago: 3600, seconds: 30))
    }

    func passedDrill(ago: TimeInterval, seconds: Double, result: DrillRecord.Result = .passed) -> DrillRecord {
        DrillRecord(
            host: "web1", policy: "site", backupID: nil, started: now - ago - seconds, finished: now - ago,
            result: result, seconds: seconds, bytes: 1, rtoSeconds: 3600, detail: "",
            error: result == .failed ? "boom" : nil)
    }

    func verdict(_ e: FleetEntry) -> FleetJudgement.Verdict { FleetJudgement.judge(e, now: now) }

    @Test func rpoIsJudgedAsCheckJudgesIt() {
        #expect(verdict(entry(age: 3600)).status == .ok)
        #expect(verdict(entry(age: 3600)).ageSeconds == 3600)
        // Past 80% of the rpo: warning; past the rpo: critical (the same thresholds as check).
        #expect(verdict(entry(age: 0.8 * 86400)).status == .ok)
        #expect(verdict(entry(age: 0.8 * 86400 + 1)).status == .warning)
        #expect(verdict(entry(age: 86400)).status == .warning)
        let late = verdict(entry(age: 86401))
        #expect(late.status == .critical && late.reasons[0].hasSuffix("out of its rpo"), "\(late.reasons)")
    }

    @Test func noTrustedIndexIsCriticalAndSaysWhy() {
        let v = verdict(entry(age: nil, problems: ["nas: not signed (no latest.json.sig)"]))
        #expect(v.status == .critical && v.ageSeconds == nil)
        #expect(v.reasons.contains("nas: not signed (no latest.json.sig)"))
    }

    @Test func aRefusalBesideATrustedIndexIsAWarning() {
        let v = verdict(entry(age: 60, problems: ["offsite: latest.json.sig: bad signature"]))
        #expect(v.status == .warning && v.reasons.contains("offsite: latest.json.sig: bad signature"))
    }

    @Test func aHostWhosePoliciesAllWentSilentIsNamed() {
        let verdicts = FleetJudgement.judge(
            [
                entry(host: "db1", policy: "a", age: 3 * 86400), entry(host: "db1", policy: "b", age: nil),
                entry(host: "web1", policy: "a", age: 3 * 86400), entry(host: "web1", policy: "b", age: 60),
            ], now: now)
        #expect(verdicts.map(\.status) == [.critical, .critical, .critical, .ok])
        #expect(
            verdicts[0].reasons[0] == "host db1 is silent: none of its 2 policies has a trusted backup within its rpo")
        #expect(!verdicts[2].reasons[0].hasPrefix("host "))
        #expect(FleetJudgement.overall(verdicts) == .critical)
    }

    @Test func drillsFailedSlowOverdueOrNeverAreWarnings() {
        #expect(verdict(entry(age: 60)).drill == .ok)
        let failed = verdict(entry(age: 60, drill: passedDrill(ago: 60, seconds: 3, result: .failed)))
        #expect(failed.status == .warning && failed.drill == .failed)
        #expect(failed.reasons.contains { $0.hasSuffix("failed: boom") })
        let slow = verdict(entry(age: 60, drill: passedDrill(ago: 60, seconds: 3601)))
        #expect(slow.status == .warning && slow.drill == .slow)
        #expect(slow.reasons.contains("last drill took 1h1s, over its rto 1h"), "\(slow.reasons)")
        // Twice the interval (1d here) is allowed; one second more is overdue.
        #expect(verdict(entry(age: 60, drill: passedDrill(ago: 2 * 86400, seconds: 3))).drill == .ok)
        let overdue = verdict(entry(age: 60, drill: passedDrill(ago: 2 * 86400 + 1, seconds: 3)))
        #expect(overdue.status == .warning && overdue.drill == .overdue)
        var never = entry(age: 60)
        never.lastDrill = nil
        let v = verdict(never)
        #expect(v.status == .warning && v.drill == .never)
        #expect(v.reasons.contains { $0.hasPrefix("never drilled") && $0.hasSuffix("(lifeboat drill web1/site)") })
    }

    @Test func theWorstStateWinsAndSkippedNamesWarn() {
        let ok = verdict(entry(age: 60))
        #expect(FleetJudgement.overall([ok]) == .ok)
        #expect(FleetJudgement.overall([ok], notes: ["nas: skipped folder"]) == .warning)
        #expect(FleetJudgement.overall([ok, verdict(entry(age: nil))]) == .critical)
        #expect(FleetJudgement.overall([]) == .warning)
    }

    @Test func metricsAreLabelledAndEscaped() {
        var e = entry(host: "we\"b\\1", age: 60)
        e.lastPassedDrill = e.lastDrill
        let text = FleetMetrics.render([verdict(e)], generated: now)
        let labels = "{host=\"we\\\"b\\\\1\",policy=\"site\"}"
        for line in [
            "lifeboat_fleet_backup_age_seconds\(labels) 60", "lifeboat_rpo_seconds\(labels) 86400",
            "lifeboat_rto_seconds\(labels) 3600", "lifeboat_drill_seconds\(labels) 30",
            "lifeboat_drill_passed\(labels) 1", "lifeboat_fleet_status\(labels) 0",
            "lifeboat_drill_last_success_timestamp_seconds\(labels) \(Int(now.timeIntervalSince1970) - 3600)",
        ] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
    }
}
