import Foundation
import LifeboatCore

/// Compresses a stream into announced zstd frames of about `blockSize` plaintext bytes each, on every
/// core (the block ring), so restore can inflate them in parallel and stock `zstd -d` reads them whole.
/// Memory stays at a few blocks per core whatever the stream's size.
package final class ZstdFrameWriter: ByteSink {
    /// Plaintext bytes taken so far.
    package var bytesIn: Int64 { filler.bytesIn }
    private let filler: BlockFiller

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
        let ring = BlockRing(
            width: width,
            makeSlot: { BlockSlot(inputCapacity: blockSize, outputCapacity: bound) },
            work: { worker, slot in compressors.compress(worker: worker, slot: slot) },
            drain: { slot in try output.write(slot.output.bytes) })
        filler = BlockFiller(ring: ring, blockSize: blockSize, output: output, name: "zstd writer")
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws { try filler.write(bytes) }

    package func finish() throws { try filler.finish() }
}
