import Foundation
import LifeboatCore

/// Compresses a stream into a series of gzip members of about `blockSize` plaintext bytes each,
/// on all cores, each member recording its own size so restore can inflate them in parallel.
///
/// The result is one standard gzip file (gunzip, pigz and Python read it whole). Memory stays at
/// about `4 × concurrency × blockSize` whatever the stream's size.
package final class GzipMemberWriter: ByteSink {
    /// Plaintext bytes taken so far.
    package private(set) var bytesIn: Int64 = 0
    /// Compressed bytes written to the output so far.
    package var bytesOut: Int64 { tally.count }

    private let output: ByteSink
    private let blockSize: Int
    private let runner: BlockRing
    private let tally = GzipTally()
    private var blocks = 0
    private var done = false

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
        self.output = output
        self.blockSize = blockSize
        let tally = self.tally
        runner = BlockRing(
            width: width,
            makeSlot: { BlockSlot(inputCapacity: blockSize, outputCapacity: bound) },
            work: { worker, slot in compressors.compress(worker: worker, slot: slot) },
            drain: { slot in
                try output.write(slot.output.bytes)
                tally.count += Int64(slot.output.count)
            })
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !done else { throw CompressionError(.misuse, "gzip writer used after finish") }
        var rest = bytes
        while rest.count > 0 {
            let slot = runner.current
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
        if runner.current.input.count > 0 || blocks == 0 { try commitBlock() }
        try runner.flush()
        try output.finish()
    }

    private func commitBlock() throws {
        let slot = runner.current
        slot.index = blocks
        slot.error = nil
        blocks += 1
        try runner.commit()
        // The slot now being filled was drained earlier (or never used): start it empty.
        runner.current.input.count = 0
    }
}

/// A counter the drain closure can update before `self` exists.
final class GzipTally {
    var count: Int64 = 0
}
