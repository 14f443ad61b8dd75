import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatTestSupport
import Testing

@Suite struct CatalogTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let sha = String(repeating: "a", count: 64)

    func begin(_ c: Catalog, _ id: BackupID, dests: [String] = ["a", "b"]) throws {
        try c.beginBackup(
            id: id, policy: "p", host: "h", kind: "files", payload: "tar", started: t0,
            recipients: ["F1", "F2"], destinations: dests)
    }

    @Test func aBackupMovesFromRunningToPendingToCompleteAsCopiesShip() throws {
        let c = try Catalog()
        try begin(c, "id1")
        #expect(try c.backup(id: "id1")?.status == .running)
        try c.sealBackup(
            id: "id1", chunks: [.init(name: "data.000000", size: 10, sha256: sha)], bytesIn: 100,
            bytesOut: 10, lockWindowMs: 12, finished: t0)
        #expect(try c.backup(id: "id1")?.status == .pending)
        try c.recordCopy(id: "id1", destination: "a", shipped: true, error: nil, at: t0)
        #expect(try c.backup(id: "id1")?.status == .pending)
        try c.recordCopy(id: "id1", destination: "b", shipped: false, error: "down", at: t0)
        #expect(try c.backup(id: "id1")?.status == .degraded)
        try c.recordCopy(id: "id1", destination: "b", shipped: true, error: nil, at: t0)
        let r = try #require(try c.backup(id: "id1"))
        #expect(r.status == .complete)
        #expect(r.lockWindowMs == 12)
        #expect(r.recipients == ["F1", "F2"])
        #expect(try c.chunks(id: "id1").map(\.name) == ["data.000000"])
    }

    /// A destination taken out of the policy stops holding a backup back; the last copy is never dropped.
    @Test func droppingACopyToARemovedDestinationCompletesTheBackup() throws {
        let c = try Catalog()
        try begin(c, "id1")
        try c.sealBackup(
            id: "id1", chunks: [.init(name: "data.000000", size: 10, sha256: sha)], bytesIn: 100,
            bytesOut: 10, lockWindowMs: nil, finished: t0)
        try c.recordCopy(id: "id1", destination: "a", shipped: true, error: nil, at: t0)
        try c.recordCopy(id: "id1", destination: "b", shipped: false, error: "down", at: t0)
        #expect(try c.dropCopies(id: "id1", keeping: ["a", "b"], at: t0).isEmpty)
        #expect(try c.backup(id: "id1")?.status == .degraded)
        #expect(try c.dropCopies(id: "id1", keeping: ["a", "c"], at: t0) == ["b"])
        let r = try #require(try c.backup(id: "id1"))
        #expect(r.status == .complete)
        #expect(r.copies.map(\.destination) == ["a"])
        #expect(try c.dropCopies(id: "id1", keeping: ["c"], at: t0).isEmpty)
        #expect(try c.backup(id: "id1")?.copies.count == 1)
    }

    @Test func noDestinationShippedIsFailed() throws {
        let c = try Catalog()
        try begin(c, "id1", dests: ["a"])
        try c.sealBackup(id: "id1", chunks: [], bytesIn: 0, bytesOut: 0, lockWindowMs: nil, finished: t0)
        try c.recordCopy(id: "id1", destination: "a", shipped: false, error: "down", at: t0)
        #expect(try c.backup(id: "id1")?.status == .failed)
    }

    @Test func abandonedRunningBackupsAreFailedOnlyWhenTheirProcessIsGone() throws {
        let c = try Catalog()
        try begin(c, "id1")
        #expect(try c.failAbandoned(at: t0, isAlive: { _ in true }).isEmpty)
        #expect(try c.failAbandoned(at: t0, isAlive: { _ in false }) == ["id1"])
        let r = try #require(try c.backup(id: "id1"))
        #expect(r.status == .failed)
        #expect(r.error?.contains("interrupted") == true)
    }

    @Test func aBadChunkRollsBackTheWholeSeal() throws {
        let c = try Catalog()
        try begin(c, "id1")
        #expect(throws: LifeboatError.self) {
            try c.sealBackup(
                id: "id1",
                chunks: [
                    .init(name: "data.000000", size: 1, sha256: sha),
                    .init(name: "data.000001", size: 1, sha256: "short"),
                ],
                bytesIn: 1, bytesOut: 2, lockWindowMs: nil, finished: t0)
        }
        #expect(try c.chunks(id: "id1").isEmpty)
        #expect(try c.backup(id: "id1")?.status == .running)
    }

    @Test func listsNewestFirstAndSurvivesReopening() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("state/catalog.sqlite")
        do {
            let c = try Catalog(path: path)
            try c.beginBackup(
                id: "b", policy: "p", host: "h", kind: "files", payload: "tar", started: t0.addingTimeInterval(5),
                recipients: [], destinations: ["a"])
            try begin(c, "a")
        }
        let c = try Catalog(path: path)
        #expect(try c.backups().map(\.id) == ["b", "a"])
        #expect(try c.backups(policy: "other").isEmpty)
    }
}

@Suite struct CatalogOpeningTests {
    /// Many openers of one new catalog at once (as two timer runs starting together): every one opens it.
    @Test func concurrentOpenersOfANewCatalogAllSucceed() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("state/catalog.sqlite")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { _ = try Catalog(path: path) }
            }
            try await group.waitForAll()
        }
        #expect(try Catalog(path: path).backups().isEmpty)
    }
}

/// The count of entries a file tree backup left out, from sealing and from a manifest.
@Suite struct CatalogSkippedTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func begin(_ c: Catalog, _ id: BackupID) throws {
        try c.beginBackup(
            id: id, policy: "p", host: "h", kind: "files", payload: "tar", started: t0,
            recipients: ["F1"], destinations: ["a"])
    }

    @Test func skippedEntriesAreRecordedAndComeBackFromAManifest() throws {
        let c = try Catalog()
        try begin(c, "20231114T221320Z-abcdef")
        try c.sealBackup(
            id: "20231114T221320Z-abcdef", chunks: [], bytesIn: 1, bytesOut: 1, lockWindowMs: nil,
            finished: t0, skipped: 3)
        #expect(try c.backup(id: "20231114T221320Z-abcdef")?.skipped == 3)
        try begin(c, "20231114T221321Z-abcdef")
        try c.sealBackup(
            id: "20231114T221321Z-abcdef", chunks: [], bytesIn: 1, bytesOut: 1, lockWindowMs: nil, finished: t0)
        #expect(try c.backup(id: "20231114T221321Z-abcdef")?.skipped == 0)

        let fresh = try Catalog()
        var m = Manifest(
            host: "h", policy: "p", kind: "files", id: "20231114T221320Z-abcdef", started: "s", finished: "f",
            payload: "tar", recipients: ["AB"], bytesIn: 1, bytesOut: 2, lockWindowMs: nil, chunks: [])
        m.skipped = 2
        _ = try fresh.importManifest(m, destination: "a", destinations: ["a"], at: t0)
        #expect(try fresh.backup(id: BackupID(m.id)!)?.skipped == 2)
    }

    @Test func thePayloadDigestIsKeptFromTheSealAndComesBackFromAManifest() throws {
        let c = try Catalog()
        let id: BackupID = "20231114T221320Z-abcdef"
        let digest = String(repeating: "0123456789abcdef", count: 4)
        try begin(c, id)
        #expect(try c.backup(id: id)?.payloadSHA256 == nil)
        try c.sealBackup(
            id: id, chunks: [], bytesIn: 1, bytesOut: 1, lockWindowMs: nil, finished: t0, payloadSHA256: digest)
        #expect(try c.backup(id: id)?.payloadSHA256 == digest)

        let fresh = try Catalog()
        var m = Manifest(
            host: "h", policy: "p", kind: "files", id: id.rawValue, started: "s", finished: "f", payload: "tar",
            recipients: ["AB"], bytesIn: 1, bytesOut: 2, lockWindowMs: nil, chunks: [])
        m.payloadSize = 1
        m.payloadSHA256 = digest
        _ = try fresh.importManifest(m, destination: "a", destinations: ["a"], at: t0)
        #expect(try fresh.backup(id: id)?.payloadSHA256 == digest)
        // A manifest from before the digest was recorded leaves it empty.
        m.id = "20231114T221321Z-abcdef"
        m.payloadSize = nil
        m.payloadSHA256 = nil
        _ = try fresh.importManifest(m, destination: "a", destinations: ["a"], at: t0)
        #expect(try fresh.backup(id: "20231114T221321Z-abcdef")?.payloadSHA256 == nil)
    }
}
