import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCatalog
import LifeboatCore
import Testing

/// `list --json` and `check --json` are a contract: their Codable rendering must give the bytes the
/// dictionary rendering gave, which these tests keep as the reference.
@Suite struct JSONOutputTests {
    let now = Date(timeIntervalSince1970: 1_735_000_000)

    static func reference(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static func referenceListing(_ records: [BackupRecord]) throws -> String {
        try reference(
            records.map { r -> [String: Any] in
                var o: [String: Any] = [
                    "id": r.id.rawValue, "policy": r.policy, "host": r.host, "kind": r.kind, "status": r.displayStatus,
                    "started": Timestamp.iso8601(r.started),
                    "finished": r.finished.map(Timestamp.iso8601) ?? NSNull(),
                    "bytes_in": r.bytesIn, "bytes_out": r.bytesOut, "chunks": r.chunkCount,
                    "lock_window_ms": r.lockWindowMs.map { $0 as Any } ?? NSNull(),
                    "skipped": r.skipped, "pinned": r.pinned,
                    "destinations": r.copies.map { c -> [String: Any] in
                        var d: [String: Any] = [
                            "name": c.destination.rawValue, "failure_domain": NSNull(), "status": c.status.rawValue,
                        ]
                        if let e = c.error { d["error"] = e }
                        return d
                    },
                ]
                if let e = r.error { o["error"] = e }
                return o
            })
    }

    static func referenceCheck(_ results: [Compliance.Result]) throws -> String {
        try reference(
            results.map { r -> [String: Any] in
                [
                    "policy": r.policy, "rpo_seconds": r.rpoSeconds,
                    "age_seconds": r.ageSeconds.map { $0 as Any } ?? NSNull(),
                    "status": r.status.name, "newest_backup": r.newestBackup.map { $0.rawValue as Any } ?? NSNull(),
                    "message": r.message,
                ]
            })
    }

    @Test func listJSONIsByteIdentical() throws {
        let c = try Catalog()
        #expect(try BackupListing.json([]) == Self.referenceListing([]))
        try c.beginBackup(
            id: BackupID("20231114T221320Z-abcdef")!, policy: "p", host: "h/1", kind: "files", payload: "tar",
            started: now, recipients: ["F"], destinations: ["a", "b"])
        try c.beginBackup(
            id: BackupID("20231114T221321Z-bbbbbb")!, policy: "p", host: "h", kind: "postgres", payload: "pg_dump",
            started: now.addingTimeInterval(1), recipients: ["F"], destinations: ["a"])
        try c.sealBackup(
            id: BackupID("20231114T221320Z-abcdef")!, chunks: [], bytesIn: 123_456_789_012, bytesOut: 1,
            lockWindowMs: 42,
            finished: now.addingTimeInterval(60), skipped: 4)
        try c.recordCopy(id: BackupID("20231114T221320Z-abcdef")!, destination: "a", shipped: true, error: nil, at: now)
        try c.recordCopy(
            id: BackupID("20231114T221320Z-abcdef")!, destination: "b", shipped: false, error: "down \"hard\" é",
            at: now)
        try c.failBackup(id: BackupID("20231114T221321Z-bbbbbb")!, error: "pg_dump: exit 1", at: now)
        let records = try c.backups(policy: "p", includeRemoved: true)
        #expect(records.count == 2)
        #expect(try BackupListing.json(records) == Self.referenceListing(records))
    }

    @Test func checkJSONIsByteIdentical() throws {
        var fresh = PolicySummary(policy: "fresh")
        fresh.newestComplete = .init(
            id: BackupID("20231114T221320Z-abcdef")!, started: now.addingTimeInterval(-3600), finished: nil,
            bytesIn: 1, bytesOut: 1, lockWindowMs: nil)
        let rpo = DurationValue(seconds: 86400)
        let results = [
            Compliance.evaluate(policy: "fresh", rpo: rpo, summary: fresh, space: .init(), now: now),
            Compliance.evaluate(policy: "empty/x", rpo: rpo, summary: nil, space: .init(), now: now),
        ]
        #expect(try CheckOutput.json(results) == Self.referenceCheck(results))
        #expect(try CheckOutput.json([]) == Self.referenceCheck([]))
    }

    @Test func unknownJSONIsByteIdentical() throws {
        let none: [Any] = [NSNull()]
        let expected = try Self.reference(
            none.map {
                [
                    "policy": $0, "rpo_seconds": NSNull(), "age_seconds": NSNull(), "status": "unknown",
                    "newest_backup": NSNull(), "message": "boom",
                ] as [String: Any]
            })
        #expect(CheckOutput.unknown("boom\nHINT: x", policies: [], json: true) == expected)
        let named = try Self.reference(
            ["db", "web"].map {
                [
                    "policy": $0, "rpo_seconds": NSNull(), "age_seconds": NSNull(), "status": "unknown",
                    "newest_backup": NSNull(), "message": "boom",
                ] as [String: Any]
            })
        #expect(CheckOutput.unknown("boom", policies: ["db", "web"], json: true) == named)
    }
}
