import Foundation
import LifeboatAgent
import LifeboatCore
import LifeboatCrypto
import LifeboatPipeline
import LifeboatSources
import LifeboatStorage
import LifeboatTestSupport
import Logging
import Testing

@Suite(.serialized) struct RestoreTests {
    @Test func restoresTheNewestBackupFromTheFirstDestination() async throws {
        let f = try AgentFixture()
        _ = try await f.backUp()
        try f.writeTree(version: 2)
        let newest = try await f.backUp()
        let target = f.dir.file("out")
        let r = try await f.restore(to: target)
        #expect(r.id == newest)
        #expect(try f.restoredVersion(target) == "version 2\n")
        #expect(r.chunksByDestination.keys.sorted() == ["first"])
        #expect(r.skipped.isEmpty)
        let original = try Data(contentsOf: URL(fileURLWithPath: f.dir.file("tree/sub/data.bin")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: target + f.dir.file("tree/sub/data.bin"))) == original)
    }

    @Test func aDamagedOrMissingChunkIsTakenFromTheOtherDestination() async throws {
        let f = try AgentFixture()
        let id = try await f.backUp()
        let chunk0 = f.objectDirectory("first", id) + "/data.000000"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: chunk0)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: chunk0))
        try FileManager.default.removeItem(atPath: f.objectDirectory("first", id) + "/data.000001")
        let target = f.dir.file("out")
        let r = try await f.restore(to: target)
        #expect(r.id == id)
        #expect(r.chunksByDestination["second"] == 2)
        #expect(try f.restoredVersion(target) == "version 1\n")
    }

    @Test func whenEveryCopyOfTheNewestIsBadRestoreWalksBackAndSaysSo() async throws {
        let f = try AgentFixture()
        let older = try await f.backUp()
        try f.writeTree(version: 2)
        let newest = try await f.backUp()
        for d in ["first", "second"] {
            try FileManager.default.removeItem(atPath: f.objectDirectory(d, newest) + "/data.000001")
        }
        let target = f.dir.file("out")
        let r = try await f.restore(to: target)
        #expect(r.id == older)
        #expect(r.skipped.count == 1)
        #expect(r.skipped.first?.contains(newest.rawValue) == true)
        #expect(r.skipped.first?.contains("data.000001 is missing") == true)
        #expect(try f.restoredVersion(target) == "version 1\n")
    }

    @Test func aNamedBackupThatCannotBeRestoredFailsAndLeavesNothing() async throws {
        let f = try AgentFixture()
        let id = try await f.backUp()
        for d in ["first", "second"] {
            let p = f.objectDirectory(d, id) + "/data.000002"
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: p)))
            bytes[0] ^= 0xff
            try Data(bytes).write(to: URL(fileURLWithPath: p))
        }
        let target = f.dir.file("out")
        await #expect(throws: LifeboatError.self) { try await f.restore(to: target, backupID: id) }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir.path).allSatisfy { !$0.contains("partial") })
    }

    @Test func aKeyTheBackupWasNotMadeForFailsAtOnceNamingTheKeyIDs() async throws {
        let f = try AgentFixture()
        _ = try await f.backUp()
        let other = try GnuPGHome()
        defer { other.stop() }
        let fpr = try other.generateCurve25519(name: "stranger")
        let wrong = try OpenPGPSecretKey(bytes: try other.exportSecret(fpr), passphrase: nil)
        let target = f.dir.file("out")
        do {
            _ = try await f.restore(to: target, key: wrong)
            Issue.record("restore with a stranger's key must fail")
        } catch let e as LifeboatError {
            #expect(e.message.lowercased().contains("key"), "\(e.message)")
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    /// A gzip layer that is damaged inside a message that decrypts fine: the restore fails cleanly.
    @Test(arguments: ["flipped deflate byte", "lying member size", "truncated"])
    func aDamagedGzipLayerFailsRestoreCleanly(damage: String) async throws {
        let f = try AgentFixture()
        let id = try await f.backUp()
        let ctx = try f.context()
        // Rebuild the backup's message by hand from the same tree, with the gzip damaged.
        let gz = MemorySink()
        let writer = try GzipMemberWriter(level: 6, output: gz)
        _ = try FileTreeArchiver(paths: [f.dir.file("tree")], excludes: [], logger: Logger(label: "test")).write(
            to: writer)
        var g = gz.bytes
        switch damage {
        case "flipped deflate byte": g[g.count / 3] ^= 0x20
        case "lying member size": g[16] &+= 1
        default: g.removeLast(g.count / 2)
        }
        let spool = f.dir.file("forged")
        let spooler = try ChunkSpooler(directory: spool, chunkSize: 1 << 20)
        let enc = try OpenPGPEncryptor(
            recipients: [try OpenPGPPublicKey.load(contentsOf: f.dir.file("ops.pub.asc"))], output: spooler)
        try enc.write(g)
        try enc.finish()
        let forged = BackupID(date: f.clock)
        try ctx.catalog.beginBackup(
            id: forged, policy: "tree", host: "h1", kind: "files", payload: "tar", started: f.clock,
            recipients: [], destinations: ["first"])
        try ctx.catalog.sealBackup(
            id: forged, chunks: spooler.chunks, bytesIn: 0, bytesOut: spooler.bytesOut,
            lockWindowMs: nil, finished: f.clock)
        let dest = LocalDestination(name: "first", root: f.dir.file("first"))
        for c in spooler.chunks { try await dest.put("h1/tree/\(forged)/\(c.name)", fromFile: "\(spool)/\(c.name)") }
        try ctx.catalog.recordCopy(id: forged, destination: "first", shipped: true, error: nil, at: f.clock)

        let target = f.dir.file("out")
        await #expect(throws: (any Error).self) { try await f.restore(to: target, backupID: forged) }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.dir.path).allSatisfy { !$0.contains("partial") })
        // Without --backup, the damaged newest is passed over for the good one.
        let r = try await f.restore(to: target)
        #expect(r.id == id)
        #expect(r.skipped.count == 1)
    }
}
