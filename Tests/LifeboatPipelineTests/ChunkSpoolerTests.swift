import Foundation
import LifeboatCore
import LifeboatDigest
import LifeboatPipeline
import LifeboatTestSupport
import Testing

@Suite struct ChunkSpoolerTests {
    func bytes(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) } }

    @Test(arguments: [(0, 1), (1, 1), (999, 1), (1000, 1), (1001, 2), (2000, 2), (2500, 3)])
    func cutsAtExactlyTheChunkSizeWithTheRightDigests(total: Int, expectedChunks: Int) throws {
        let dir = try TemporaryDirectory()
        let spooler = try ChunkSpooler(directory: dir.file("spool/p/id"), chunkSize: 1000)
        let data = bytes(total)
        var offset = 0
        for step in [1, 7, 300, 2000] where offset < data.count {
            let end = min(data.count, offset + step)
            try spooler.write(Array(data[offset..<end]))
            offset = end
        }
        if offset < data.count { try spooler.write(Array(data[offset...])) }
        try spooler.finish()
        #expect(spooler.chunks.count == expectedChunks)
        #expect(spooler.bytesOut == Int64(total))
        var joined: [UInt8] = []
        for (i, c) in spooler.chunks.enumerated() {
            #expect(c.name == Manifest.chunkName(i))
            let onDisk = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file("spool/p/id/\(c.name)"))))
            #expect(Int64(onDisk.count) == c.size)
            #expect(c.sha256 == SHA256Hasher.digest(onDisk).hexString)
            #expect(i == spooler.chunks.count - 1 || c.size == 1000)
            joined += onDisk
        }
        #expect(joined == data)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.file("spool/p/id"))
        #expect(!names.contains { $0.hasSuffix(".tmp") })
        let mode =
            try FileManager.default.attributesOfItem(atPath: dir.file("spool/p/id/data.000000"))[.posixPermissions]
            as? Int
        #expect(mode == 0o600)
    }

    @Test func fileSinkAppearsOnlyOnFinishAndAbandonLeavesNothing() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("restored.db")
        let sink = try FileSink(path: path)
        try sink.write([1, 2, 3])
        #expect(!FileManager.default.fileExists(atPath: path))
        try sink.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 2, 3]))

        let other = dir.file("other.db")
        let failed = try FileSink(path: other)
        try failed.write([9])
        failed.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["restored.db"])
    }
}
