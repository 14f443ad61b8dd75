import Foundation
import LifeboatCore
import Testing

/// The binary log position a dump names, and the log names taken from a server or a destination.
@Suite struct BinlogPositionTests {
    @Test func readsTheCommentMariaDBDumpWrites() {
        let line = "-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=1234;"
        #expect(
            BinlogPosition.parse(changeMasterLine: line[...])
                == BinlogPosition(file: "mysql-bin.000003", position: 1234))
    }

    @Test(arguments: [
        "CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=1234;",  // not the comment
        "-- CHANGE MASTER TO MASTER_LOG_FILE='../etc/passwd.000003', MASTER_LOG_POS=1234;",
        "-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=;",
        "-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=2;",  // before the header
        "-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin', MASTER_LOG_POS=1234;",
        "-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003",
    ])
    func refusesAnythingElse(line: String) {
        #expect(BinlogPosition.parse(changeMasterLine: line[...]) == nil)
    }

    @Test(
        arguments: [
            ("mysql-bin.000001", 1), ("lb_log.123456789", 123_456_789), ("a.b-c.000010", 10),
            ("mysql-bin.00001", nil), ("../x.000001", nil), ("x/y.000001", nil), (".hidden.000001", nil),
            ("mysql-bin.0000a1", nil), ("", nil), ("mysql bin.000001", nil),
        ] as [(String, Int?)])
    func logNamesAndTheirSequence(name: String, sequence: Int?) {
        #expect(BinlogPosition.sequence(of: name) == sequence, "\(name)")
        #expect(BinlogPosition.isLogName(name) == (sequence != nil), "\(name)")
    }
}

/// `--until TIME`: RFC 3339 or `YYYY-MM-DD HH:MM:SS[+TZ]`, UTC without a zone; anything else is refused.
@Suite struct PointInTimeUntilTests {
    @Test(arguments: [
        ("2026-11-29T14:05:00Z", 1_795_961_100.0),
        ("2026-11-29T15:05:00+01:00", 1_795_961_100.0),
        ("2026-11-29 14:05:00", 1_795_961_100.0),
        ("2026-11-29 09:05:00-05:00", 1_795_961_100.0),
        ("2026-11-29t14:05:00.250z", 1_795_961_100.25),
        ("2026-11-29 16:05:00+02", 1_795_961_100.0),
    ])
    func readsBothForms(text: String, seconds: Double) throws {
        #expect(try PointInTime(parsing: text).date.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "yesterday", "2026-11-29", "2026-13-01 00:00:00", "2026-02-30 00:00:00", "2026-11-29 24:00:00",
        "2026-11-29T14:05:00+1", "2026-11-29T14:05:00 Europe/Paris", "2026-11-29T14:05:00.Z", "",
    ])
    func refusesTheRest(text: String) {
        let e = #expect(throws: LifeboatError.self) { try PointInTime(parsing: text) }
        #expect(e?.description.contains("is not a time") == true)
    }
}
