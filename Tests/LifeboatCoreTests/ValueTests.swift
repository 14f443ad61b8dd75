import Foundation
import LifeboatCore
import Testing

@Suite struct ValueTests {
    @Test(arguments: [("45s", 45), ("15m", 900), ("1h", 3600), ("24h", 86400), ("7d", 604_800), ("2w", 1_209_600)])
    func parsesDurations(text: String, seconds: Int64) {
        #expect(DurationValue(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "1", "h", "1x", "-1h", "1.5h", "1 day", "99999999999999999w"])
    func refusesBadDurations(text: String) {
        #expect(DurationValue(parsing: text) == nil)
    }

    @Test(arguments: [("512KiB", Int64(512 << 10)), ("64MiB", 64 << 20), ("1GiB", 1 << 30), ("100", 100)])
    func parsesSizes(text: String, bytes: Int64) {
        #expect(ByteSize(parsing: text)?.bytes == bytes)
    }

    @Test(arguments: ["64MB", "1.5GiB", "MiB", "-1KiB", "lots"])
    func refusesBadSizes(text: String) {
        #expect(ByteSize(parsing: text) == nil)
    }

    @Test func backupIDsSortByTimeAndRoundTrip() throws {
        let a = BackupID(date: Date(timeIntervalSince1970: 1_700_000_000))
        let b = BackupID(date: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(a < b)
        #expect(a.rawValue.hasPrefix("20231114T221320Z-"))
        #expect(BackupID(a.rawValue) == a)
        #expect(a.date == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test(arguments: [
        "", "../../etc", "20231114T221320Z-ABCDEF", "20231114T221320Z-abc", "20231314T221320Z-abcdef",
        "20231114T221320Z-abcde1", "20231114T221320Z-abcdef/x",
    ])
    func refusesMalformedBackupIDs(text: String) {
        #expect(BackupID(text) == nil)
    }

    @Test func manifestJSONUsesTheContractsKeys() throws {
        let m = Manifest(
            host: "h", policy: "p", kind: "files", id: "20231114T221320Z-abcdef", started: "s", finished: "f",
            payload: "tar", recipients: ["AB"], bytesIn: 1, bytesOut: 2, lockWindowMs: nil,
            chunks: [.init(name: Manifest.chunkName(0), size: 2, sha256: String(repeating: "0", count: 64))])
        let json = String(decoding: try JSONEncoder().encode(m), as: UTF8.self)
        for key in [
            "\"format\":1", "\"bytes_in\":1", "\"bytes_out\":2", "\"name\":\"data.000000\"", "\"recipients\":[\"AB\"]",
        ] {
            #expect(json.contains(key), "\(key) in \(json)")
        }
        #expect(try JSONDecoder().decode(Manifest.self, from: Data(json.utf8)) == m)
        #expect(Manifest.chunkName(1_234_567) == "data.1234567")
    }

    @Test func manifestCarriesSkippedOnlyWhenSet() throws {
        var m = Manifest(
            host: "h", policy: "p", kind: "files", id: "20231114T221320Z-abcdef", started: "s", finished: "f",
            payload: "tar", recipients: ["AB"], bytesIn: 1, bytesOut: 2, lockWindowMs: nil, chunks: [])
        #expect(!String(decoding: try JSONEncoder().encode(m), as: UTF8.self).contains("skipped"))
        m.skipped = 3
        let json = try JSONEncoder().encode(m)
        #expect(String(decoding: json, as: UTF8.self).contains("\"skipped\":3"))
        #expect(try JSONDecoder().decode(Manifest.self, from: json).skipped == 3)
    }
}
