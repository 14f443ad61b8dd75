import LifeboatCore

/// Cuts a stream into blocks of `blockSize` plaintext bytes for a block ring, committing each full one
/// (numbered, for messages), and at the end the last partial block (or one empty block, so an empty
/// stream still makes one member or frame), then waits for the ring and finishes the output. The gzip
/// and zstd writers differ only in what their ring's workers do with a block.
final class BlockFiller {
    /// Plaintext bytes taken so far.
    private(set) var bytesIn: Int64 = 0
    private let ring: BlockRing
    private let blockSize: Int
    private let output: ByteSink
    /// The writer's name in the misuse message: `gzip writer`, `zstd writer`.
    private let name: String
    private var blocks = 0
    private var done = false

    init(ring: BlockRing, blockSize: Int, output: ByteSink, name: String) {
        self.ring = ring
        self.blockSize = blockSize
        self.output = output
        self.name = name
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !done else { throw CompressionError(.misuse, "\(name) used after finish") }
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

    func finish() throws {
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
        // The slot now being filled was drained earlier (or never used): start it empty.
        ring.current.input.count = 0
    }
}
