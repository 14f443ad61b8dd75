import CDeflate

/// One libdeflate compressor per worker: libdeflate compressors are not thread-safe.
final class GzipCompressors {
    private let handles: [OpaquePointer]
    let level: Int

    init(level: Int, count: Int) throws {
        var made: [OpaquePointer] = []
        for _ in 0..<count {
            guard let c = libdeflate_alloc_compressor(Int32(level)) else {
                for c in made { libdeflate_free_compressor(c) }
                throw CompressionError(.resource, "cannot allocate a libdeflate compressor at level \(level)")
            }
            made.append(c)
        }
        handles = made
        self.level = level
    }

    deinit { for c in handles { libdeflate_free_compressor(c) } }

    /// The most bytes one member of `blockSize` plaintext bytes can take.
    func memberBound(blockSize: Int) -> Int {
        GzipMemberFormat.headerSize + libdeflate_deflate_compress_bound(handles[0], blockSize)
            + GzipMemberFormat.trailerSize
    }

    /// Compresses `slot.input` into one complete gzip member in `slot.output`.
    func compress(worker: Int, slot: BlockSlot) {
        let input = slot.input
        let output = slot.output
        let bound = memberBound(blockSize: input.count)
        output.reserve(bound)
        let room = output.capacity - GzipMemberFormat.headerSize - GzipMemberFormat.trailerSize
        let payload = output.base + GzipMemberFormat.headerSize
        let n = libdeflate_deflate_compress(handles[worker], input.base, input.count, payload, room)
        guard n > 0 else {
            slot.error = CompressionError(.resource, "libdeflate could not compress block \(slot.index)")
            return
        }
        let size = GzipMemberFormat.headerSize + n + GzipMemberFormat.trailerSize
        GzipMemberFormat.writeHeader(into: output.base, memberSize: size, level: level)
        let crc = libdeflate_crc32(0, input.base, input.count)
        LittleEndian.store32(crc, at: payload + n)
        LittleEndian.store32(UInt32(truncatingIfNeeded: input.count), at: payload + n + 4)
        output.count = size
    }
}

/// One libdeflate decompressor per worker, for members that carry their own size.
final class GzipDecompressors {
    private let handles: [OpaquePointer]

    init(count: Int) {
        handles = (0..<count).compactMap { _ in libdeflate_alloc_decompressor() }
    }

    deinit { for d in handles { libdeflate_free_decompressor(d) } }

    /// Inflates the complete member in `slot.input` (header included) into `slot.output`,
    /// checking that the deflate data fills the member exactly and that CRC-32 and ISIZE match.
    func inflate(worker: Int, slot: BlockSlot) {
        let headerSize = slot.headerSize
        let member = "gzip member \(slot.index) at offset \(slot.streamOffset)"
        guard worker < handles.count else {
            slot.error = CompressionError(.resource, "cannot allocate a libdeflate decompressor")
            return
        }
        let input = slot.input
        let payloadSize = input.count - headerSize - GzipMemberFormat.trailerSize
        guard payloadSize > 0 else {
            slot.error = CompressionError(.badHeader, "\(member): size field \(input.count) is too small")
            return
        }
        let trailer = UnsafeRawPointer(input.base + headerSize + payloadSize)
        let expectedCRC = LittleEndian.load32(trailer)
        let isize = Int(LittleEndian.load32(trailer + 4))
        guard isize <= GzipMemberFormat.maxMemberSize else {
            slot.error = CompressionError(.corruptMember, "\(member): isize \(isize) exceeds the limit")
            return
        }
        let output = slot.output
        output.count = 0
        output.reserve(isize + 1)
        var usedIn = 0
        var usedOut = 0
        let result = libdeflate_deflate_decompress_ex(
            handles[worker], input.base + headerSize, payloadSize, output.base, isize + 1, &usedIn, &usedOut)
        switch result {
        case LIBDEFLATE_SUCCESS: break
        case LIBDEFLATE_INSUFFICIENT_SPACE:
            slot.error = CompressionError(.corruptMember, "\(member): more data than its isize \(isize)")
            return
        default:
            slot.error = CompressionError(.corruptMember, "\(member): invalid deflate data")
            return
        }
        guard usedIn == payloadSize else {
            slot.error = CompressionError(
                .corruptMember,
                "\(member): size field does not match the deflate data (\(usedIn) of \(payloadSize) bytes)")
            return
        }
        guard usedOut == isize else {
            slot.error = CompressionError(.corruptMember, "\(member): isize mismatch (\(usedOut) != \(isize))")
            return
        }
        guard libdeflate_crc32(0, output.base, usedOut) == expectedCRC else {
            slot.error = CompressionError(.corruptMember, "\(member): crc32 mismatch")
            return
        }
        output.count = usedOut
    }
}
