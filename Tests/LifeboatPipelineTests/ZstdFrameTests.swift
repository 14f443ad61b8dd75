import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatPipeline

/// The zstd payload: what Lifeboat writes, stock `zstd -d` reads whole; what stock `zstd` and `pzstd`
/// write, Lifeboat reads (pzstd's announced frames in parallel, zstd's through the serial stream); a
/// damaged, truncated or lying stream is named, never crashes, never allocates what a header claims.
@Suite struct ZstdFrameTests {
    static let data = GzipFixtures.text(2_700_000) + GzipFixtures.random(1_300_000)

    static func compress(_ data: [UInt8], level: Int = 3, blockSize: Int = 1 << 20) throws -> [UInt8] {
        let sink = MemorySink()
        let writer = try ZstdFrameWriter(level: level, output: sink, blockSize: blockSize, concurrency: 2)
        try GzipFixtures.feed(data, to: writer, slice: 65_536)
        try writer.finish()
        return sink.bytes
    }

    static func decompress(_ zst: [UInt8], slice: Int = 65_536) throws -> [UInt8] {
        let sink = MemorySink()
        let reader = ZstdFrameReader(output: sink, concurrency: 2)
        try GzipFixtures.feed(zst, to: reader, slice: slice)
        try reader.finish()
        #expect(sink.finished)
        return sink.bytes
    }

    @Test(arguments: [1, 3, 19])
    func roundTripsAtEachLevelInAnySlicing(level: Int) throws {
        let zst = try Self.compress(Self.data, level: level)
        #expect(try Self.decompress(zst, slice: 7) == Self.data)
        #expect(try Self.decompress(zst, slice: 1 << 20) == Self.data)
    }

    @Test func everyFrameIsAnnouncedAndHoldsAtMostOneBlock() throws {
        let zst = try Self.compress(Self.data, blockSize: 1 << 20)
        var offset = 0
        var frames = 0
        while offset < zst.count {
            #expect(ZstdFrameFormat.loadLE32(zst, at: offset) == ZstdFrameFormat.skippableMagic)
            #expect(ZstdFrameFormat.loadLE32(zst, at: offset + 4) == 4)
            let size = Int(ZstdFrameFormat.loadLE32(zst, at: offset + 8))
            #expect(ZstdFrameFormat.loadLE32(zst, at: offset + 12) == ZstdFrameFormat.frameMagic)
            offset += 12 + size
            frames += 1
        }
        #expect(offset == zst.count)
        #expect(frames == 4)  // 4,000,000 bytes in 1 MiB blocks
    }

    @Test func stockZstdReadsUsWhole() throws {
        let zst = try Self.compress(Self.data)
        let out = try Command.run(["zstd", "-d", "-c"], stdin: zst)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout == Self.data)
        if Command.exists("pzstd") {
            let p = try Command.run(["pzstd", "-d", "-c"], stdin: zst)
            #expect(p.status == 0, "\(p.stderr)")
            #expect(p.stdout == Self.data)
        }
    }

    @Test func weReadStockZstdAndPzstd() throws {
        let zstd = try Command.run(["zstd", "-3", "-c"], stdin: Self.data)
        #expect(zstd.status == 0)
        #expect(try Self.decompress(zstd.stdout) == Self.data)
        // Two frames one after the other, as `cat a.zst b.zst` makes.
        #expect(try Self.decompress(zstd.stdout + zstd.stdout) == Self.data + Self.data)
        if Command.exists("pzstd") {
            let pzstd = try Command.run(["pzstd", "-3", "-p", "2", "-c"], stdin: Self.data)
            #expect(pzstd.status == 0, "\(pzstd.stderr)")
            #expect(try Self.decompress(pzstd.stdout) == Self.data)
        }
    }

    @Test func aDamagedFrameIsNamed() throws {
        var zst = try Self.compress(Self.data)
        zst[zst.count / 2] ^= 0x40
        #expect(throws: CompressionError.self) { _ = try Self.decompress(zst) }
    }

    @Test func aTruncatedStreamIsNamed() throws {
        let zst = try Self.compress(Self.data)
        do {
            _ = try Self.decompress(Array(zst.prefix(zst.count - 10)))
            Issue.record("a truncated stream was read")
        } catch let e as CompressionError {
            #expect(e.code == .truncated, "\(e)")
        }
    }

    @Test func anAnnouncedSizeThatCannotBeRightIsRefusedBeforeReading() throws {
        var zst = try Self.compress(Array(Self.data.prefix(1000)))
        LittleEndian.store32(UInt32.max, at: &zst[8])
        do {
            _ = try Self.decompress(zst)
            Issue.record("a frame announced at 4 GiB was read")
        } catch let e as CompressionError {
            #expect(e.code == .badHeader && e.message.contains("announced size"), "\(e)")
        }
    }

    /// An announced frame whose header states no size (as pzstd writes them) is read, but a small frame
    /// that inflates past 16 MiB (a compression bomb) is stopped there.
    @Test func anAnnouncedFrameIsBoundedWhateverItsHeaderSays() throws {
        func announced(_ plain: [UInt8]) throws -> [UInt8] {
            let frame = try Command.run(["zstd", "-3", "-c", "--no-content-size"], stdin: plain).stdout
            var zst: [UInt8] = Array(repeating: 0, count: 12)
            LittleEndian.store32(ZstdFrameFormat.skippableMagic, at: &zst[0])
            LittleEndian.store32(4, at: &zst[4])
            LittleEndian.store32(UInt32(frame.count), at: &zst[8])
            return zst + frame
        }
        let small = Array(Self.data.prefix(5000))
        #expect(try Self.decompress(try announced(small)) == small)
        let bomb = try announced(Array(repeating: 0, count: 17 << 20))
        #expect(bomb.count < 10_000)
        do {
            _ = try Self.decompress(bomb)
            Issue.record("a frame of 17 MiB was inflated")
        } catch let e as CompressionError {
            #expect(e.message.contains("holds more than"), "\(e)")
        }
    }

    @Test func garbageAndEmptinessAreNamed() throws {
        #expect(throws: CompressionError.self) { _ = try Self.decompress(Array("not zstd at all".utf8)) }
        #expect(throws: CompressionError.self) { _ = try Self.decompress([]) }
        let zst = try Self.compress(Array(Self.data.prefix(1000)))
        do {
            _ = try Self.decompress(zst + Array("trailing".utf8))
            Issue.record("trailing garbage was accepted")
        } catch let e as CompressionError {
            #expect(e.code == .trailingGarbage, "\(e)")
        }
    }
}
