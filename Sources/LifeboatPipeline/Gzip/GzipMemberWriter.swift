import Foundation
import LifeboatCore

/// Compresses a stream into a series of gzip members of about `blockSize` plaintext bytes each,
/// on all cores, each member recording its own size so restore can inflate them in parallel.
///
/// The result is one standard gzip file (gunzip, pigz and Python read it whole). Memory stays at
/// about `4 × concurrency × blockSize` whatever the stream's size.
package final class GzipMemberWriter: ByteSink {
    /// Plaintext bytes taken so far.
    package var bytesIn: Int64 { filler.bytesIn }
    /// Compressed bytes written to the output so far.
    package var bytesOut: Int64 { tally.count }

    private let filler: BlockFiller
    private let tally = GzipTally()

    package init(
        level: Int = 6, output: ByteSink, blockSize: Int = 1 << 20,
        concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws {
        guard (0...12).contains(level) else {
            throw CompressionError(.invalidArgument, "compression level \(level) is outside 0-12")
        }
        guard blockSize >= 1, blockSize <= GzipMemberFormat.maxBlockSize else {
            throw CompressionError(
                .invalidArgument, "block size \(blockSize) is outside 1-\(GzipMemberFormat.maxBlockSize)")
        }
        let width = max(1, min(concurrency, 64))
        let compressors = try GzipCompressors(level: level, count: width)
        let bound = compressors.memberBound(blockSize: blockSize)
        let tally = self.tally
        let ring = BlockRing(
            width: width,
            makeSlot: { BlockSlot(inputCapacity: blockSize, outputCapacity: bound) },
            work: { worker, slot in compressors.compress(worker: worker, slot: slot) },
            drain: { slot in
                try output.write(slot.output.bytes)
                tally.count += Int64(slot.output.count)
            })
        filler = BlockFiller(ring: ring, blockSize: blockSize, output: output, name: "gzip writer")
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws { try filler.write(bytes) }

    package func finish() throws { try filler.finish() }
}

/// A counter the drain closure can update before `self` exists.
final class GzipTally {
    var count: Int64 = 0
}
