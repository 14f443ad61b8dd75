import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCatalog
import Testing

/// `drill` prints one line per drill whose shape operators and scripts read: PASS, SLOW or FAIL first.
@Suite struct DrillOutputTests {
    func outcome(_ verdict: DrillVerdict, seconds: Double, rto: Double?, error: String? = nil) -> DrillOutcome {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        return DrillOutcome(
            record: DrillRecord(
                host: "db1", policy: "orders", backupID: "20270115T080000Z-abcdef", started: at, finished: at,
                result: verdict == .failed ? .failed : .passed, seconds: seconds, bytes: 12_897_485,
                rtoSeconds: rto, detail: verdict == .failed ? "" : "4 tables, 1,200 rows", error: error),
            verdict: verdict, digest: nil)
    }

    @Test func lines() {
        #expect(
            DrillOutput.line(outcome(.passed, seconds: 1.4213, rto: 3600))
                == "PASS db1/orders backup 20270115T080000Z-abcdef: 12.3 MiB in 1.42 s (RTO 1h) — 4 tables, 1,200 rows")
        #expect(
            DrillOutput.line(outcome(.passed, seconds: 1.4213, rto: nil))
                == "PASS db1/orders backup 20270115T080000Z-abcdef: 12.3 MiB in 1.42 s (no RTO) — 4 tables, 1,200 rows")
        #expect(
            DrillOutput.line(outcome(.slow, seconds: 2.5, rto: 1))
                == "SLOW db1/orders backup 20270115T080000Z-abcdef: 12.3 MiB in 2.50 s, over its RTO 1s — 4 tables, 1,200 rows"
        )
        #expect(
            DrillOutput.line(outcome(.failed, seconds: 0.2, rto: 3600, error: "no good copy of data.000000"))
                == "FAIL db1/orders: no good copy of data.000000 (backup 20270115T080000Z-abcdef)")
        var old = outcome(.passed, seconds: 0.5, rto: 3600)
        old.digest = DrillUseCase.noDigest
        #expect(
            DrillOutput.line(old).hasSuffix(
                "— 4 tables, 1,200 rows; the backup records no payload digest: not compared"))
        #expect(DrillOutput.size(512) == "512 B")
    }

    @Test func jsonFields() throws {
        let text = try DrillOutput.json([outcome(.slow, seconds: 2.5, rto: 1)])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        let o = try #require(array.first)
        #expect(
            Set(o.keys) == [
                "host", "policy", "backup", "result", "seconds", "bytes", "rto_seconds", "met_rto", "started",
                "finished", "detail", "digest", "error",
            ])
        #expect(o["result"] as? String == "slow")
        #expect(o["met_rto"] as? Bool == false)
        #expect(o["started"] as? String == "2027-01-15T08:00:00Z")
    }
}
