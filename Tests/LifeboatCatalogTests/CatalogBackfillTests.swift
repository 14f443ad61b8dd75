import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatTestSupport
import Testing

/// The catalog's side of copies between destinations: a copy recorded for a destination added later,
/// a copy found lost, and the one query `run` asks to learn whether anything needs backfilling.
@Suite struct CatalogBackfillTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let sha = String(repeating: "a", count: 64)

    /// A sealed backup of policy `p` whose copies at `shipped` landed.
    func shippedBackup(_ c: Catalog, _ id: BackupID, destinations: [String], shipped: [String]) throws {
        try c.beginBackup(
            id: id, policy: "p", host: "h", kind: "files", payload: "tar", started: t0, recipients: ["F1"],
            destinations: destinations)
        try c.sealBackup(
            id: id, chunks: [.init(name: "data.000000", size: 10, sha256: sha)], bytesIn: 100, bytesOut: 10,
            lockWindowMs: nil, finished: t0)
        for d in shipped { try c.recordCopy(id: id, destination: d, shipped: true, error: nil, at: t0) }
    }

    @Test func aDestinationAddedToThePolicyIsNoticedAndACopyThereCompletesIt() throws {
        let c = try Catalog()
        try shippedBackup(c, "id1", destinations: ["a"], shipped: ["a"])
        #expect(try c.backup(id: "id1")?.status == .complete)
        #expect(try !c.hasBackupsToBackfill(policy: "p", destinations: ["a"]))
        #expect(try c.hasBackupsToBackfill(policy: "p", destinations: ["a", "b"]))
        #expect(try !c.hasBackupsToBackfill(policy: "other", destinations: ["a", "b"]))
        try c.recordCopied(id: "id1", destination: "b", at: t0)
        let r = try #require(try c.backup(id: "id1"))
        #expect(r.status == .complete)
        #expect(r.copies.map(\.destination).sorted() == ["a", "b"])
        #expect(try !c.hasBackupsToBackfill(policy: "p", destinations: ["a", "b"]))
    }

    @Test func aLostCopyDegradesTheBackupForgetsItsChunksAndIsNoticed() throws {
        let c = try Catalog()
        try shippedBackup(c, "id1", destinations: ["a", "b"], shipped: ["a", "b"])
        try c.recordChunkShipped(id: "id1", destination: "b", index: 0, at: t0)
        #expect(try !c.hasBackupsToBackfill(policy: "p", destinations: ["a", "b"]))
        #expect(try c.markCopyLost(id: "id1", destination: "b", reason: "gone", at: t0))
        let r = try #require(try c.backup(id: "id1"))
        #expect(r.status == .degraded)
        #expect(r.copies.first { $0.destination == "b" }?.error == "gone")
        #expect(try c.shippedChunks(id: "id1", destination: "b").isEmpty)
        #expect(try c.hasBackupsToBackfill(policy: "p", destinations: ["a", "b"]))
        // A copy that is not shipped is not "lost" again.
        #expect(try !c.markCopyLost(id: "id1", destination: "b", reason: "again", at: t0))
        try c.recordCopied(id: "id1", destination: "b", at: t0)
        #expect(try c.backup(id: "id1")?.status == .complete)
    }

    @Test func backupsNoDestinationHoldsOrThatArePrunedNeedNoBackfill() throws {
        let c = try Catalog()
        try shippedBackup(c, "id1", destinations: ["a", "b"], shipped: [])
        try c.recordCopy(id: "id1", destination: "a", shipped: false, error: "down", at: t0)
        try c.recordCopy(id: "id1", destination: "b", shipped: false, error: "down", at: t0)
        #expect(try c.backup(id: "id1")?.status == .failed)
        #expect(try !c.hasBackupsToBackfill(policy: "p", destinations: ["a", "b", "c"]))
        try shippedBackup(c, "id2", destinations: ["a"], shipped: ["a"])
        #expect(try c.setRetention(id: "id2", from: .live, to: .deleted, at: t0))
        #expect(try !c.hasBackupsToBackfill(policy: "p", destinations: ["a", "b"]))
    }
}
