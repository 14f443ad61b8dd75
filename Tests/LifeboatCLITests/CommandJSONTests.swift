import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCatalog
import LifeboatCore
import Testing

/// The `--json` objects of backup, run and failures: every documented field present, nulls spelled out.
@Suite struct CommandJSONTests {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func failureCarriesMessageHintAndTheTablesExitCode() throws {
        let bad = JSONFailure(
            LifeboatError.badInput("/etc/p.yaml", line: 3, "rate_limit: out of range", hint: "1KiB/s"))
        let o = try Self.object(bad.text())
        #expect(o["exit_code"] as? Int == 65)
        #expect((o["error"] as? String)?.hasPrefix("/etc/p.yaml:3: rate_limit") == true)
        #expect(o["hint"] as? String == "1KiB/s")
        let usage = try Self.object(JSONFailure(LifeboatError(.usage, "no backup x")).text())
        #expect(usage["exit_code"] as? Int == 64)
        #expect(usage["hint"] is NSNull)
    }

    @Test func backupWithoutARecordHasNullIdAndItsMessage() throws {
        let item = BackupOutcomeJSON(policy: "orders", id: nil, status: .failed, message: "busy", record: nil)
        let o = try Self.object(try JSONText.encode(item))
        #expect(Set(o.keys) == ["policy", "id", "status", "message"])
        #expect(o["id"] is NSNull)
        #expect(o["status"] as? String == "failed")
        #expect(o["message"] as? String == "busy")
    }

    @Test func backupWithARecordHasTheListFieldsAndMessage() throws {
        let c = try Catalog()
        let id = try #require(BackupID("20261129T170000Z-abcdef"))
        try c.beginBackup(
            id: id, policy: "orders", host: "db1", kind: "postgres", payload: "pg_dump",
            started: Date(timeIntervalSince1970: 1_800_000_000), recipients: ["F"], destinations: ["nas"])
        let record = try #require(try c.backup(id: id))
        let item = BackupOutcomeJSON(policy: "orders", id: id, status: .running, message: nil, record: record)
        let o = try Self.object(try JSONText.encode(item))
        let listed = try #require(
            try JSONSerialization.jsonObject(with: Data(try BackupListing.json([record]).utf8)) as? [[String: Any]])
        #expect(Set(o.keys) == Set(listed[0].keys).union(["message"]))
        #expect(o["id"] as? String == id.rawValue)
        #expect(o["message"] is NSNull)
    }
}
