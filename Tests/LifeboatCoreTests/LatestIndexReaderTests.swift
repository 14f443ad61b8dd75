import Foundation
import Testing

@testable import LifeboatCore

/// `latest.json` from a destination is hostile input: it must name where it was found, and every
/// field is checked before a recovery host believes it.
@Suite struct LatestIndexReaderTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    var expectation: LatestIndexReader.Expectation { .init(host: "db1", policy: "orders", now: now) }

    func index(_ edit: (inout LatestIndex) -> Void = { _ in }) -> LatestIndex {
        let started = now.addingTimeInterval(-3600)
        var x = LatestIndex(
            host: "db1", policy: "orders", kind: "postgres",
            id: BackupID(date: started, random: "abcdef").rawValue, started: Timestamp.iso8601(started),
            finished: Timestamp.iso8601(started.addingTimeInterval(60)), payload: "pg_dump-custom", payloadSize: 42,
            payloadSHA256: String(repeating: "ab", count: 32),
            objectives: .init(rpo: 86400, rto: nil, priority: "low", scenario: nil, schedule: 43200, drill: 2_592_000),
            signer: String(repeating: "C", count: 40))
        edit(&x)
        return x
    }

    func read(_ x: LatestIndex) throws -> LatestIndex {
        try LatestIndexReader.read(try DestinationJSON.encode(x), expecting: expectation)
    }

    @Test func aWellFormedIndexIsRead() throws {
        let x = try read(index())
        #expect(x == index())
        // Payload fields are optional together, for a backup made before they were recorded.
        #expect(
            try read(
                index {
                    $0.payloadSize = nil
                    $0.payloadSHA256 = nil
                }
            ).payloadSize == nil)
    }

    @Test func everyFieldIsChecked() throws {
        let future = now.addingTimeInterval(86400)
        let cases: [(String, (inout LatestIndex) -> Void)] = [
            ("names host", { $0.host = "db2" }),
            ("names policy", { $0.policy = "other" }),
            ("format 2", { $0.format = 2 }),
            ("written by", { $0.tool = "other" }),
            ("unknown kind", { $0.kind = "oracle" }),
            ("unknown payload", { $0.payload = "exe" }),
            ("malformed backup id", { $0.id = "../../etc" }),
            ("in the future", { $0.id = BackupID(date: future, random: "abcdef").rawValue }),
            ("malformed or in the future", { $0.finished = Timestamp.iso8601(future) }),
            ("malformed or in the future", { $0.started = "soon" }),
            ("malformed or in the future", { $0.finished = Timestamp.iso8601(now.addingTimeInterval(-7200)) }),
            ("not a key fingerprint", { $0.signer = "me" }),
            ("objectives.rpo", { $0.objectives.rpo = 0 }),
            ("objectives.priority", { $0.objectives.priority = "HIGH" }),
            ("payload_sha256", { $0.payloadSHA256 = "zz" }),
            ("present together", { $0.payloadSize = nil }),
            (
                "impossible base backup WAL",
                { $0.wal = BaseBackupWAL(timeline: 1, start: PostgresLSN(9), stop: PostgresLSN(1)) }
            ),
            ("impossible base backup WAL", { $0.wal = BaseBackupWAL(timeline: 0, start: .init(1), stop: .init(1)) }),
            ("malformed binary log position", { $0.binlog = BinlogPosition(file: "../lb.000001", position: 4) }),
        ]
        for (reason, edit) in cases {
            let e = #expect(throws: LatestIndexReader.Refusal.self) { try read(index(edit)) }
            #expect(e?.reason.contains(reason) == true, "\(reason): \(String(describing: e))")
        }
    }

    /// The base backup's WAL and the dump's binary log position ride along when the manifest has them; an
    /// index written before they existed reads as before, and a reader that does not know them ignores them.
    @Test func archiveStartsAreReadAndOptional() throws {
        let wal = BaseBackupWAL(timeline: 2, start: PostgresLSN(0x3_0000_0028), stop: PostgresLSN(0x3_0000_0100))
        let withWAL = try read(index { $0.wal = wal })
        #expect(withWAL.wal == wal && withWAL.binlog == nil)
        let position = BinlogPosition(file: "lb.000007", position: 342)
        #expect(try read(index { $0.binlog = position }).binlog == position)
        let json = String(decoding: try DestinationJSON.encode(index { $0.wal = wal }), as: UTF8.self)
        #expect(json.contains("\"wal\"") && json.contains("\"start_lsn\"") && !json.contains("\"binlog\""))
        let old = String(decoding: try DestinationJSON.encode(index()), as: UTF8.self)
        #expect(!old.contains("\"wal\""))
        #expect(try read(index()).wal == nil)
    }

    @Test func malformedAndOversizedBytesAreRefused() throws {
        for input: [UInt8] in [
            [], Array("null".utf8), Array("{\"format\": 1}".utf8),
            [UInt8](repeating: 0x20, count: LatestIndex.maximumSize + 1),
        ] {
            #expect(throws: LatestIndexReader.Refusal.self) {
                try LatestIndexReader.read(input, expecting: expectation)
            }
        }
    }
}
