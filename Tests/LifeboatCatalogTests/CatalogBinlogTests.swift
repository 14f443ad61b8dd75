import Foundation
import LifeboatCatalog
import LifeboatCore
import Testing

/// The binary log position a mariadb dump records, and the archived logs of a policy.
@Suite struct CatalogBinlogTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let sha = String(repeating: "a", count: 64)

    @Test func aSealedDumpKeepsItsPosition() throws {
        let c = try Catalog()
        try c.beginBackup(
            id: "id1", policy: "shop", host: "h", kind: "mariadb", payload: "sql", started: t0, recipients: ["F"],
            destinations: ["a"])
        try c.sealBackup(
            id: "id1", chunks: [.init(name: "data.000000", size: 10, sha256: sha)], bytesIn: 100, bytesOut: 10,
            lockWindowMs: nil, finished: t0, binlogPosition: BinlogPosition(file: "lb.000003", position: 642))
        #expect(try c.backup(id: "id1")?.binlogPosition == BinlogPosition(file: "lb.000003", position: 642))
        try c.beginBackup(
            id: "id2", policy: "shop", host: "h", kind: "mariadb", payload: "sql", started: t0, recipients: ["F"],
            destinations: ["a"])
        try c.sealBackup(
            id: "id2", chunks: [.init(name: "data.000000", size: 10, sha256: sha)], bytesIn: 100, bytesOut: 10,
            lockWindowMs: nil, finished: t0)
        #expect(try c.backup(id: "id2")?.binlogPosition == nil)
    }

    @Test func archivedLogsComeBackInSequenceAndAreForgottenBelowOne() throws {
        let c = try Catalog()
        for (name, seq) in [("lb.000010", 10), ("lb.000002", 2), ("lb.000003", 3)] {
            try c.recordBinlog(
                policy: "shop",
                ArchivedBinlog(
                    name: name, sequence: seq, size: 100, sha256: sha, rotated: t0.addingTimeInterval(Double(seq)),
                    archived: t0))
        }
        try c.recordBinlog(
            policy: "other",
            ArchivedBinlog(name: "lb.000001", sequence: 1, size: 1, sha256: sha, rotated: t0, archived: t0))
        #expect(try c.archivedBinlogs(policy: "shop").map(\.name) == ["lb.000002", "lb.000003", "lb.000010"])
        #expect(try c.archivedBinlogs(policy: "shop").last?.rotated == t0.addingTimeInterval(10))
        try c.forgetBinlogs(policy: "shop", before: 10)
        #expect(try c.archivedBinlogs(policy: "shop").map(\.name) == ["lb.000010"])
        #expect(try c.archivedBinlogs(policy: "other").count == 1)
    }

    @Test func theSchemaRefusesAMalformedRow() throws {
        let c = try Catalog()
        #expect(throws: (any Error).self) {
            try c.recordBinlog(
                policy: "shop",
                ArchivedBinlog(name: "lb.000001", sequence: 1, size: 1, sha256: "short", rotated: t0, archived: t0))
        }
    }
}
