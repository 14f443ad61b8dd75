import Foundation
import LifeboatCore

/// Compresses a stream into announced zstd frames of about `blockSize` plaintext bytes each, on every
/// core (the block ring), so restore can inflate them in parallel and stock `zstd -d` reads them whole.
/// Memory stays at a few blocks per core whatever the stream's size.
package final class ZstdFrameWriter: ByteSink {
    /// Plaintext bytes taken so far.
    package private(set) var bytesIn: Int64 = 0
    private let output: ByteSink
    private let blockSize: Int
    private let ring: BlockRing
    private var blocks = 0
    private var done = false

    /// Levels 1 to 19, as `zstd` counts them.
    package static let levels = 1...19

    package init(
        level: Int = 3, output: ByteSink, blockSize: Int = 1 << 20,
        concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws {
        guard Self.levels.contains(level) else {
            throw CompressionError(.invalidArgument, "zstd level \(level) is outside 1-19")
        }
        guard blockSize >= 1, blockSize <= ZstdFrameFormat.maxFrameContent else {
            throw CompressionError(.invalidArgument, "block size \(blockSize) is outside 1-16MiB")
        }
        let width = max(1, min(concurrency, 64))
        let compressors = try ZstdCompressors(level: level, count: width)
        let bound = ZstdCompressors.bound(blockSize: blockSize)
        self.output = output
        self.blockSize = blockSize
        ring = BlockRing(
            width: width,
            makeSlot: { BlockSlot(inputCapacity: blockSize, outputCapacity: bound) },
            work: { worker, slot in compressors.compress(worker: worker, slot: slot) },
            drain: { slot in try output.write(slot.output.bytes) })
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !done else { throw CompressionError(.misuse, "zstd writer used after finish") }
        var rest = bytes
        while rest.count > 0 {
            let slot = ring.current
            let take = min(blockSize - slot.input.count, rest.count)
            slot.input.append(UnsafeRawBufferPointer(rebasing: rest.prefix(take)))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(take))
            bytesIn += Int64(take)
            if slot.input.count == blockSize { try commitBlock() }
        }
    }

    package func finish() throws {
        guard !done else { return }
        done = true
        if ring.current.input.count > 0 || blocks == 0 { try commitBlock() }
        try ring.flush()
        try output.finish()
    }

    private func commitBlock() throws {
        let slot = ring.current
        slot.index = blocks
        slot.error = nil
        blocks += 1
        try ring.commit()
        ring.current.input.count = 0
    }
}
