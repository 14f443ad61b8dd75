import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatPipeline

@Suite("gzip damage is detected")
struct GzipCorruptionTests {
    static let data = GzipFixtures.text(2_000_000) + GzipFixtures.random(1_500_000)

    /// Reads `gz` and returns the error it must throw.
    func failure(_ gz: [UInt8], slice: Int = 65_536) -> CompressionError? {
        do {
            _ = try GzipFixtures.decompress(gz, slice: slice)
            return nil
        } catch let error as CompressionError {
            #expect(error.message == error.message.lowercased() || error.message.contains("LB"))
            return error
        } catch {
            Issue.record("unexpected error type \(error)")
            return nil
        }
    }

    @Test("a flipped byte anywhere in a member's data or trailer throws")
    func flippedByte() throws {
        let gz = try GzipFixtures.compress(Self.data)
        let offsets = GzipFixtures.memberOffsets(gz)
        let end = offsets[2]
        for position in [offsets[1] + 25, offsets[1] + 5000, end - 8, end - 5, end - 2, end - 1] {
            var bad = gz
            bad[position] ^= 0x40
            let error = failure(bad)
            #expect(error?.code == .corruptMember, "flip at \(position): \(String(describing: error))")
            #expect(error?.message.contains("gzip member 1") == true)
        }
    }

    @Test("a flipped byte in zlib-read data throws")
    func flippedForeign() throws {
        var gz = try Command.run(["gzip", "-c", "-n"], stdin: Self.data).stdout
        gz[gz.count / 2] ^= 0x01
        #expect(failure(gz) != nil)
        var tail = try Command.run(["gzip", "-c", "-n"], stdin: Self.data).stdout
        tail[tail.count - 3] ^= 0x01
        #expect(failure(tail)?.code == .corruptMember)
    }

    @Test("a truncated stream throws at every kind of cut")
    func truncated() throws {
        let gz = try GzipFixtures.compress(Self.data)
        let offsets = GzipFixtures.memberOffsets(gz)
        for cut in [1, 3, 11, offsets[1] + 15, offsets[1] + 100, offsets[2] - 1, gz.count - 1] {
            let error = failure(Array(gz.prefix(cut)))
            #expect(error?.code == .truncated, "cut at \(cut): \(String(describing: error))")
        }
        #expect(failure([])?.code == .truncated)
        let foreign = try Command.run(["gzip", "-c", "-n"], stdin: Self.data).stdout
        #expect(failure(Array(foreign.prefix(foreign.count - 4)))?.code == .truncated)
    }

    @Test("a size field that lies throws", arguments: [-1, 1, 1000, -1000, 0x7fff_0000])
    func lyingSize(delta: Int) throws {
        let gz = try GzipFixtures.compress(Self.data)
        let offsets = GzipFixtures.memberOffsets(gz)
        let at = offsets[1] + 16
        var bad = gz
        let size = Int(bad[at]) | Int(bad[at + 1]) << 8 | Int(bad[at + 2]) << 16 | Int(bad[at + 3]) << 24
        let lie = UInt32(truncatingIfNeeded: size + delta)
        for i in 0..<4 { bad[at + i] = UInt8(truncatingIfNeeded: lie >> (8 * UInt32(i))) }
        let error = failure(bad)
        #expect(error != nil, "delta \(delta)")
        #expect(error?.message.contains("gzip member") == true)
    }

    @Test("trailing garbage throws")
    func trailingGarbage() throws {
        let gz = try GzipFixtures.compress(Self.data)
        #expect(failure(gz + [0])?.code == .trailingGarbage)
        #expect(failure(gz + Array("hello".utf8))?.code == .trailingGarbage)
        let foreign = try Command.run(["gzip", "-c", "-n"], stdin: Self.data).stdout
        #expect(failure(foreign + [0, 0, 0])?.code == .trailingGarbage)
        // A lone magic byte at the end is the start of a header that never finishes.
        #expect(failure(gz + [0x1f])?.code == .truncated)
    }

    @Test("not gzip at all throws")
    func notGzip() {
        #expect(failure(Array("plain text, not gzip".utf8))?.code == .badHeader)
    }

    @Test("use after an error keeps throwing, never hangs")
    func afterError() throws {
        let reader = GzipReader(output: MemorySink())
        #expect(throws: CompressionError.self) { try reader.write([1, 2, 3]) }
        #expect(throws: CompressionError.self) { try reader.write([0x1f]) }
        #expect(throws: CompressionError.self) { try reader.finish() }
    }
}

@Suite("gzip damage fuzzing")
struct GzipFuzzTests {
    @Test("a stream cut exactly where a member starts reads as the members before it")
    func cutAtAMemberBoundary() throws {
        // gzip cannot see this cut: it is a valid shorter file. In a backup the OpenPGP packet
        // lengths and MDC, and each chunk's sha256, are what catch it.
        let data = GzipFixtures.text(100_000)
        let gz = try GzipFixtures.compress(data, blockSize: 16_384)
        let offsets = GzipFixtures.memberOffsets(gz)
        #expect(offsets.count == 7)
        for member in 1..<offsets.count {
            let out = try GzipFixtures.decompress(Array(gz.prefix(offsets[member])), slice: 10_000)
            #expect(out == Array(data.prefix(member * 16_384)))
        }
    }

    @Test("random flips, cuts and size lies either throw or give the original bytes")
    func randomDamage() throws {
        let blockSize = 16_384
        let data = GzipFixtures.text(200_000) + GzipFixtures.random(100_000)
        let gz = try GzipFixtures.compress(data, blockSize: blockSize)
        let offsets = GzipFixtures.memberOffsets(gz)
        // A new seed each run, named in any failure so that it can be replayed.
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var rng = SeededGenerator(seed: seed)
        for round in 0..<300 {
            var bad = gz
            // What a correct reader may give back: the original, or (for a stream cut exactly where a
            // member starts, which is a valid shorter gzip file) the input of the members before the cut.
            // The OpenPGP layer and the chunks' sha256 catch such a cut in a backup.
            var acceptable = data
            switch round % 3 {
            case 0:
                bad[Int.random(in: 0..<bad.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            case 1:
                let cut = Int.random(in: 0..<bad.count, using: &rng)
                bad = Array(bad.prefix(cut))
                if let member = offsets.firstIndex(of: cut) { acceptable = Array(data.prefix(member * blockSize)) }
            default:
                let at = offsets[Int.random(in: 0..<offsets.count, using: &rng)] + 16 + Int.random(in: 0..<4)
                bad[at] ^= UInt8.random(in: 1...255, using: &rng)
            }
            do {
                // Tiny writes now and then (they are slow in a debug build), larger ones otherwise.
                let slice =
                    round % 30 == 0 ? Int.random(in: 1...64, using: &rng) : Int.random(in: 512...70_000, using: &rng)
                let out = try GzipFixtures.decompress(bad, slice: slice)
                #expect(out == acceptable, "seed \(seed), round \(round): decoded without error but differs")
            } catch is CompressionError {
                continue
            }
        }
    }
}
