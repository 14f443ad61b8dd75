import Foundation
import LifeboatCore
import Testing

@Suite struct PointInTimeTests {
    @Test(arguments: [
        ("0/2000028", UInt64(0x0200_0028)), ("16/B374D848", 0x16_B374_D848), ("FFFFFFFF/FFFFFFFF", UInt64.max),
        ("0/0", 0),
    ])
    func parsesWALPositions(text: String, value: UInt64) throws {
        let lsn = try #require(PostgresLSN(text))
        #expect(lsn.value == value)
        #expect(PostgresLSN(lsn.description) == lsn)
    }

    @Test(arguments: ["", "0", "/1", "1/", "0/123456789", "0/G", "0/1/2", " 0/1", "0x0/1", "-1/0"])
    func refusesBadWALPositions(text: String) {
        #expect(PostgresLSN(text) == nil)
    }

    @Test func comparesWALPositionsAsNumbers() throws {
        #expect(try #require(PostgresLSN("0/FFFFFFFF")) < #require(PostgresLSN("1/0")))
    }

    @Test(arguments: [
        ("2026-11-29T14:05:00Z", 1_795_961_100.0),
        ("2026-11-29 14:05:00", 1_795_961_100.0),
        ("2026-11-29 15:05:00+01:00", 1_795_961_100.0),
        ("2026-11-29 15:05:00+0100", 1_795_961_100.0),
        ("2026-11-29 09:05:00-05", 1_795_961_100.0),
        ("2026-11-29t14:05:00.25z", 1_795_961_100.25),
    ])
    func parsesTimes(text: String, seconds: Double) throws {
        let date = try #require(PointInTimeTarget.parseTime(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.001)
    }

    @Test(arguments: [
        "", "2026-11-29", "2026-11-29 14:05", "2026-02-30 10:00:00", "2026-13-01 10:00:00", "2026-11-29 24:00:00",
        "2026-11-29 14:05:00 UTC", "2026-11-29 14:05:00+1", "2026-11-29 14:05:00.", "yesterday",
        "2026-11-29 14:05:00+01:60",
    ])
    func refusesBadTimes(text: String) {
        #expect(PointInTimeTarget.parseTime(text) == nil)
    }

    @Test func readsOneTargetAndRefusesTwo() throws {
        #expect(try PointInTimeTarget.from(until: nil, untilLSN: nil, untilXID: nil, latest: false) == nil)
        #expect(try PointInTimeTarget.from(until: nil, untilLSN: nil, untilXID: nil, latest: true) == .latest)
        #expect(
            try PointInTimeTarget.from(until: nil, untilLSN: "0/10", untilXID: nil, latest: false)
                == .lsn(PostgresLSN(16)))
        #expect(try PointInTimeTarget.from(until: nil, untilLSN: nil, untilXID: "742", latest: false) == .xid(742))
        let two = #expect(throws: LifeboatError.self) {
            try PointInTimeTarget.from(until: "2026-11-29 14:05:00", untilLSN: nil, untilXID: nil, latest: true)
        }
        #expect(two?.kind == .usage)
        #expect(two?.message == "name one recovery target, not --until and --latest")
        let bad = #expect(throws: LifeboatError.self) {
            try PointInTimeTarget.from(until: nil, untilLSN: nil, untilXID: "2", latest: false)
        }
        #expect(bad?.kind == .usage)
    }

    @Test func writesTimesPostgreSQLReadsWithoutDoubt() throws {
        let date = try #require(PointInTimeTarget.parseTime("2026-11-29 15:05:00.5+01:00"))
        #expect(PointInTimeTarget.postgresTime(date) == "2026-11-29 14:05:00.500000+00")
    }

    @Test func manifestWALRangeRoundTrips() throws {
        let wal = BaseBackupWAL(
            timeline: 2, start: try #require(PostgresLSN("0/2000028")), stop: try #require(PostgresLSN("0/2000100")))
        let data = try JSONEncoder().encode(wal)
        #expect(String(decoding: data, as: UTF8.self).contains("\"start_lsn\":\"0\\/2000028\""))
        #expect(try JSONDecoder().decode(BaseBackupWAL.self, from: data) == wal)
        #expect(wal.isPlausible)
        #expect(!BaseBackupWAL(timeline: 1, start: wal.stop, stop: wal.start).isPlausible)
    }
}

@Suite struct WALFileNameTests {
    @Test(arguments: [
        ("000000010000000000000002", WALFileName.Kind.segment, UInt32(1)),
        ("0000000A00000003000000FF", .segment, 10),
        ("00000002.history", .history, 2),
        ("000000010000000000000002.00000028.backup", .backup, 1),
        ("000000010000000000000002.partial", .partial, 1),
    ])
    func acceptsPostgreSQLNames(name: String, kind: WALFileName.Kind, timeline: UInt32) throws {
        let w = try #require(WALFileName(name))
        #expect(w.kind == kind && w.timeline == timeline)
    }

    @Test(arguments: [
        "", "00000001000000000000000", "0000000100000000000000021", "000000010000000000000002/", "../../etc/passwd",
        "00000001000000000000000g", "00000001.History", "x0000001.history", "000000010000000000000002.backup",
        "000000000000000000000002", "RECOVERYHISTORY", "000000010000000000000002.00000028.backup.x",
        "00000001/0000000000000002",
    ])
    func refusesAnythingElse(name: String) {
        #expect(WALFileName(name) == nil)
    }

    @Test func numbersSegmentsAcrossLogs() throws {
        let w = try #require(WALFileName("0000000100000003000000FF"))
        #expect(w.segmentNumber() == 3 * 256 + 255)
        #expect(WALFileName.segment(timeline: 1, number: 3 * 256 + 256) == "000000010000000400000000")
        #expect(
            WALFileName.segment(timeline: 2, holding: try #require(PostgresLSN("3/FF000028")))
                == "0000000200000003000000FF")
    }
}
