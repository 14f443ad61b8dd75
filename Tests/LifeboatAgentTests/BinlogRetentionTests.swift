import Foundation
import LifeboatCatalog
import LifeboatCore
import Testing

@testable import LifeboatAgent

/// Which archived binary logs the dumps still need, and when archiving is due: pure decisions over the
/// catalog's records and the clock.
@Suite struct BinlogRetentionTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let sha = String(repeating: "a", count: 64)

    func dump(_ c: Catalog, _ id: BackupID, file: String?, shipped: Bool = true) throws {
        try c.beginBackup(
            id: id, policy: "shop", host: "h", kind: "mariadb", payload: "sql", started: t0, recipients: ["F"],
            destinations: ["nas"])
        try c.sealBackup(
            id: id, chunks: [.init(name: "data.000000", size: 10, sha256: sha)], bytesIn: 100, bytesOut: 10,
            lockWindowMs: nil, finished: t0, binlogPosition: file.map { BinlogPosition(file: $0, position: 4) })
        try c.recordCopy(id: id, destination: "nas", shipped: shipped, error: shipped ? nil : "down", at: t0)
    }

    func logs(_ seqs: ClosedRange<Int>) -> [ArchivedBinlog] {
        seqs.map {
            ArchivedBinlog(
                name: BinlogGap.name(like: "lb.000001", sequence: $0), sequence: $0, size: 1, sha256: sha, rotated: t0,
                archived: t0)
        }
    }

    @Test func logsBeforeTheOldestHeldDumpAreUnneeded() throws {
        let c = try Catalog()
        try dump(c, "d1", file: "lb.000003")
        try dump(c, "d2", file: "lb.000006")
        let all = try c.backups(policy: "shop", includeRemoved: true)
        #expect(BinlogPruner.unneeded(logs(1...8), dumps: all).map(\.sequence) == [1, 2])
    }

    @Test func aDeletedDumpKeepsItsLogsUntilItIsPurged() throws {
        let c = try Catalog()
        try dump(c, "d1", file: "lb.000003")
        try dump(c, "d2", file: "lb.000006")
        try c.setRetention(id: "d1", from: .live, to: .deleted, at: t0)
        #expect(
            BinlogPruner.unneeded(logs(1...8), dumps: try c.backups(policy: "shop", includeRemoved: true))
                .map(\.sequence) == [1, 2])
        try c.markPurged(id: "d1", at: t0)
        #expect(
            BinlogPruner.unneeded(logs(1...8), dumps: try c.backups(policy: "shop", includeRemoved: true))
                .map(\.sequence) == [1, 2, 3, 4, 5])
    }

    @Test func nothingIsUnneededWithoutADumpThatNamesAPosition() throws {
        let c = try Catalog()
        try dump(c, "d1", file: nil)
        try dump(c, "d2", file: "lb.000001", shipped: false)  // failed: it restores nothing
        #expect(BinlogPruner.unneeded(logs(1...8), dumps: try c.backups(policy: "shop", includeRemoved: true)).isEmpty)
    }
}

/// The run of archived logs a replay from a dump's position can use, and the first one missing from it.
@Suite struct BinlogCatalogueTests {
    func catalogue(_ seqs: [Int]) -> BinlogCatalogue {
        BinlogCatalogue(
            logs: seqs.map {
                BinlogManifest(
                    host: "h", policy: "shop", name: BinlogGap.name(like: "lb.000001", sequence: $0),
                    rotated: Date(timeIntervalSince1970: Double($0)), compression: .gzip, recipients: [], signer: nil,
                    payloadSize: 1, payloadSHA256: String(repeating: "a", count: 64), bytesOut: 1,
                    chunks: [.init(name: "data.000000", size: 1, sha256: String(repeating: "a", count: 64))])
            })
    }

    @Test func theRunStopsAtTheFirstMissingLog() {
        let c = catalogue([1, 2, 3, 5, 6])
        #expect(c.run(from: "lb.000002").map(\.name) == ["lb.000002", "lb.000003"])
        #expect(c.firstGap(from: "lb.000002") == "lb.000004")
        #expect(c.run(from: "lb.000005").map(\.name) == ["lb.000005", "lb.000006"])
        #expect(c.firstGap(from: "lb.000005") == nil)
    }

    @Test func aMissingFirstLogIsTheGap() {
        let c = catalogue([3, 4])
        #expect(c.run(from: "lb.000002").isEmpty)
        #expect(c.firstGap(from: "lb.000002") == "lb.000002")
    }
}
