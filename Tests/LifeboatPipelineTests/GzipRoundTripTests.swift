import Foundation
import LifeboatCore
import Testing

@testable import LifeboatPipeline

@Suite("gzip round trips")
struct GzipRoundTripTests {
    static let block = 1 << 20

    @Test(
        "sizes around the block size, random and text",
        arguments: [
            0, 1, block - 1, block, block + 1, 5 * block + 12_345,
        ])
    func roundTripSizes(size: Int) throws {
        for data in [GzipFixtures.random(size), GzipFixtures.text(size)] {
            let gz = try GzipFixtures.compress(data)
            #expect(try GzipFixtures.decompress(gz) == data)
            let members = GzipFixtures.memberOffsets(gz)
            #expect(members.count == max(1, (size + Self.block - 1) / Self.block))
        }
    }

    @Test("levels 0, 1, 6 and 12", arguments: [0, 1, 6, 12])
    func levels(level: Int) throws {
        let data = GzipFixtures.text(3 * Self.block + 7)
        let gz = try GzipFixtures.compress(data, level: level)
        #expect(try GzipFixtures.decompress(gz) == data)
        if level == 0 { #expect(gz.count > data.count) } else { #expect(gz.count < data.count / 3) }
    }

    @Test("levels outside 0-12 are refused", arguments: [-1, 13])
    func badLevel(level: Int) {
        #expect(throws: CompressionError.self) { _ = try GzipMemberWriter(level: level, output: MemorySink()) }
    }

    @Test("any write slicing and concurrency gives the same stream")
    func slicing() throws {
        let data = GzipFixtures.text(300_000) + GzipFixtures.random(200_000)
        let reference = try GzipFixtures.compress(data, blockSize: 65_536, concurrency: 1, slice: data.count)
        for (slice, workers) in [(1, 2), (7, 3), (4096, 2), (65_535, 4), (65_537, 1), (1_000_000, 8)] {
            let gz = try GzipFixtures.compress(data, blockSize: 65_536, concurrency: workers, slice: slice)
            #expect(gz == reference, "slice \(slice) workers \(workers)")
            #expect(try GzipFixtures.decompress(gz, concurrency: workers, slice: slice) == data)
        }
        // Byte-at-a-time reading through every header and member boundary.
        #expect(try GzipFixtures.decompress(reference, slice: 1) == data)
    }

    @Test("an empty stream yields one valid empty member")
    func emptyStream() throws {
        let gz = try GzipFixtures.compress([])
        #expect(GzipFixtures.memberOffsets(gz) == [0])
        #expect(gz.count < 40)
        #expect(try GzipFixtures.decompress(gz) == [])
    }

    @Test("members carry the LB subfield with their total size")
    func memberLayout() throws {
        let data = GzipFixtures.random(2 * Self.block + 10)
        let gz = try GzipFixtures.compress(data)
        let offsets = GzipFixtures.memberOffsets(gz)
        #expect(offsets.count == 3)
        for offset in offsets {
            #expect(Array(gz[offset..<(offset + 4)]) == [0x1f, 0x8b, 8, 4])
            #expect(Array(gz[(offset + 10)..<(offset + 16)]) == [8, 0, UInt8(ascii: "L"), UInt8(ascii: "B"), 4, 0])
        }
        // Incompressible 1 MiB blocks make members larger than 64 KiB and larger than the block.
        #expect(offsets[1] - offsets[0] > Self.block)
    }

    @Test("byte counters")
    func counters() throws {
        let data = GzipFixtures.text(2_500_000)
        let compressed = MemorySink()
        let writer = try GzipMemberWriter(output: compressed)
        try writer.write(data)
        try writer.finish()
        #expect(writer.bytesIn == Int64(data.count))
        #expect(writer.bytesOut == Int64(compressed.bytes.count))
        let plain = MemorySink()
        let reader = GzipReader(output: plain)
        try reader.write(compressed.bytes)
        try reader.finish()
        #expect(reader.bytesIn == Int64(compressed.bytes.count))
        #expect(reader.bytesOut == Int64(data.count))
        #expect(plain.finished)
    }
}
