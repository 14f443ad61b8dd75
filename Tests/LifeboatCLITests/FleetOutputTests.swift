import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCatalog
import LifeboatCore
import Testing

/// `fleet`'s text and JSON: one line per host and policy, the summary last, and the JSON fields scripts
/// rely on, every one present (null where there is nothing to say).
@Suite struct FleetOutputTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    func verdicts() -> [FleetJudgement.Verdict] {
        let started = now - 7200
        let latest = LatestIndex(
            host: "web1", policy: "site", kind: "files", id: BackupID(date: started).rawValue,
            started: Timestamp.iso8601(started), finished: Timestamp.iso8601(started + 5), payload: "tar",
            payloadSize: nil, payloadSHA256: nil,
            objectives: .init(rpo: 86400, rto: 3600, priority: "high", scenario: "disk", schedule: 3600, drill: 86400),
            signer: String(repeating: "A", count: 40))
        let drill = DrillRecord(
            host: "web1", policy: "site", backupID: latest.id, started: now - 100, finished: now - 60, result: .passed,
            seconds: 40, bytes: 1, rtoSeconds: 3600, detail: "", error: nil)
        return FleetJudgement.judge(
            [
                FleetEntry(
                    host: "web1", policy: "site", latest: latest, holding: ["nas", "offsite"], problems: [],
                    lastDrill: drill),
                FleetEntry(
                    host: "gone", policy: "db", latest: nil, holding: [],
                    problems: ["nas: not signed (no latest.json.sig)"], lastDrill: nil),
            ], now: now)
    }

    @Test func textHasTheSummaryFirstThenALinePerPolicy() {
        let lines = FleetOutput.text(verdicts(), notes: []).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "LIFEBOAT CRITICAL - 2 hosts, 2 policies: 1 ok, 1 critical; silent: gone")
        #expect(
            lines[1]
                == "OK web1/site: age 2h/rpo 1d, drill passed 40s/rto 1h (\(Timestamp.iso8601(now - 60))), at nas,offsite"
        )
        #expect(
            lines[2].hasPrefix(
                "CRITICAL gone/db: age none/rpo ?, never drilled/rto none, at no destination - host gone is silent"))
        #expect(lines[2].contains("nas: not signed (no latest.json.sig)"))
    }

    @Test func jsonHasEveryDocumentedField() throws {
        let data = Data(try FleetOutput.json(verdicts()).utf8)
        let items = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(items.count == 2)
        let keys: Set<String> = [
            "host", "policy", "kind", "status", "id", "started", "finished", "age_seconds", "rpo_seconds",
            "rto_seconds", "drill_interval_seconds", "priority", "scenario", "signer", "destinations", "problems",
            "drill", "reasons", "backup_age_seconds", "archive",
        ]
        for item in items { #expect(Set(item.keys) == keys) }
        let web = items[0]
        #expect(web["status"] as? String == "ok" && web["age_seconds"] as? Int == 7200)
        #expect(web["destinations"] as? [String] == ["nas", "offsite"])
        let drill = try #require(web["drill"] as? [String: Any])
        #expect(
            drill["state"] as? String == "ok" && drill["rto_met"] as? Bool == true && drill["seconds"] as? Double == 40)
        let gone = items[1]
        #expect(gone["status"] as? String == "critical" && gone["id"] is NSNull && gone["age_seconds"] is NSNull)
        #expect((gone["drill"] as? [String: Any])?["state"] as? String == "never")
        #expect(web["archive"] is NSNull && web["backup_age_seconds"] as? Int == 7200)
    }

    /// A policy that archives WAL: the newest archived file and its age in the text line, the JSON and
    /// the textfile, and the RPO age is the archive's.
    @Test func theArchiveIsShownEverywhere() throws {
        var v = verdicts()
        var e = v[0].entry
        let seg = "000000010000000A0000003C"
        e.archive = FleetArchive(
            kind: .wal,
            destinations: [
                .init(destination: "nas", newest: .init(name: seg, time: now - 40), firstMissing: nil, notes: []),
                .init(
                    destination: "offsite", newest: .init(name: seg, time: now - 40),
                    firstMissing: "000000010000000A00000001",
                    notes: []),
            ])
        v[0] = FleetJudgement.judge(e, now: now)
        let lines = FleetOutput.text(v, notes: []).split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("CRITICAL web1/site: age 40s/rpo 1d, wal \(seg) 40s old, drill passed"))
        #expect(lines[1].contains("WAL gap at offsite: segment 000000010000000A00000001 is missing since base backup"))
        let items = try #require(
            try JSONSerialization.jsonObject(with: Data(try FleetOutput.json(v).utf8)) as? [[String: Any]])
        #expect(items[0]["age_seconds"] as? Int == 40 && items[0]["backup_age_seconds"] as? Int == 7200)
        let a = try #require(items[0]["archive"] as? [String: Any])
        #expect(a["kind"] as? String == "wal" && a["newest"] as? String == seg && a["age_seconds"] as? Int == 40)
        #expect(a["newest_time"] as? String == Timestamp.iso8601(now - 40))
        #expect(
            a["first_missing"] as? String == "000000010000000A00000001" && a["first_missing_at"] as? String == "offsite"
        )
        #expect(a["destinations"] as? [String] == ["nas", "offsite"] && a["notes"] as? [String] == [])
        let prom = FleetMetrics.render(v, generated: now)
        #expect(prom.contains("lifeboat_fleet_archive_age_seconds{host=\"web1\",policy=\"site\"} 40\n"))
        #expect(prom.contains("lifeboat_fleet_archive_gap{host=\"web1\",policy=\"site\"} 1\n"))
        #expect(prom.contains("lifeboat_fleet_backup_age_seconds{host=\"web1\",policy=\"site\"} 7200\n"))
        #expect(prom.contains("lifeboat_fleet_rpo_age_seconds{host=\"web1\",policy=\"site\"} 40\n"))
        #expect(!prom.contains("lifeboat_fleet_archive_age_seconds{host=\"gone\""))
    }
}
