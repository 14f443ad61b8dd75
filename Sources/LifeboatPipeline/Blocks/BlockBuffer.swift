/// A growable byte buffer with a stable address, owned by one slot of the block ring.
///
/// Slots hand these to libdeflate or libzstd on worker threads; a slot is only touched by one thread at a
/// time (filled by the caller, then processed by one worker, then drained in order).
final class BlockBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Makes room for `needed` bytes in total, keeping the first `count` bytes.
    func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        let grown = max(needed, capacity + capacity / 2)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
        fresh.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = fresh
        capacity = grown
    }

    /// Appends bytes, growing if needed.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let src = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(count + bytes.count)
        (base + count).copyMemory(from: src, byteCount: bytes.count)
        count += bytes.count
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

/// One unit of parallel work: an input buffer the caller fills, an output buffer a worker fills.
final class BlockSlot {
    let input: BlockBuffer
    let output: BlockBuffer
    /// Where the input starts in the whole stream, for error messages.
    var streamOffset: Int64 = 0
    /// Which member this is, counting from 0, for error messages.
    var index = 0
    /// For inflating: how many header bytes precede the deflate data.
    var headerSize = 0
    var error: CompressionError?

    init(inputCapacity: Int, outputCapacity: Int) {
        input = BlockBuffer(capacity: inputCapacity)
        output = BlockBuffer(capacity: outputCapacity)
    }
}
