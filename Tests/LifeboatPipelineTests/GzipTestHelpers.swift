import Foundation
import LifeboatCore

@testable import LifeboatPipeline

/// Deterministic test data: incompressible (xorshift) or compressible (repetitive text).
enum GzipFixtures {
    static func random(_ count: Int, seed: UInt64 = 0x9e37_79b9_7f4a_7c15) -> [UInt8] {
        var x = seed
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            out[i] = UInt8(truncatingIfNeeded: x)
        }
        return out
    }

    static func text(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + 100)
        var n = 0
        while out.count < count {
            out.append(contentsOf: Array("INSERT INTO ratings VALUES (\(n), 'user\(n % 97)', \(n % 5));\n".utf8))
            n += 1
        }
        return Array(out.prefix(count))
    }

    /// Compresses with GzipMemberWriter, writing in slices of `slice` bytes.
    static func compress(
        _ data: [UInt8], level: Int = 6, blockSize: Int = 1 << 20, concurrency: Int = 2, slice: Int = 100_000
    ) throws -> [UInt8] {
        let sink = MemorySink()
        let writer = try GzipMemberWriter(level: level, output: sink, blockSize: blockSize, concurrency: concurrency)
        try feed(data, to: writer, slice: slice)
        try writer.finish()
        precondition(sink.finished)
        precondition(writer.bytesIn == Int64(data.count))
        return sink.bytes
    }

    /// Decompresses with GzipReader, writing in slices of `slice` bytes.
    static func decompress(_ data: [UInt8], concurrency: Int = 2, slice: Int = 65_536) throws -> [UInt8] {
        let sink = MemorySink()
        let reader = GzipReader(output: sink, concurrency: concurrency)
        try feed(data, to: reader, slice: slice)
        try reader.finish()
        return sink.bytes
    }

    static func feed(_ data: [UInt8], to sink: ByteSink, slice: Int) throws {
        try data.withUnsafeBytes { all in
            var i = 0
            repeat {
                let n = min(slice, all.count - i)
                try sink.write(UnsafeRawBufferPointer(rebasing: all[i..<(i + n)]))
                i += n
            } while i < all.count
        }
    }

    /// Offsets of the members in a stream we wrote, read from their size fields.
    static func memberOffsets(_ gz: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var i = 0
        while i + 20 <= gz.count {
            offsets.append(i)
            let size = Int(gz[i + 16]) | Int(gz[i + 17]) << 8 | Int(gz[i + 18]) << 16 | Int(gz[i + 19]) << 24
            i += size
        }
        return offsets
    }
}
