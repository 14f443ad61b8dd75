import CZstd

/// One zstd compression context per worker (contexts are not thread-safe), each set to the level and to
/// write a checksum and the content size in every frame.
final class ZstdCompressors {
    private let contexts: [OpaquePointer]
    let level: Int

    init(level: Int, count: Int) throws {
        var made: [OpaquePointer] = []
        for _ in 0..<count {
            guard let c = ZSTD_createCCtx() else {
                for c in made { ZSTD_freeCCtx(c) }
                throw CompressionError(.resource, "cannot allocate a zstd compression context")
            }
            ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, Int32(level))
            ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)
            ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1)
            made.append(c)
        }
        contexts = made
        self.level = level
    }

    deinit { for c in contexts { ZSTD_freeCCtx(c) } }

    /// The most bytes one announced frame of `blockSize` plaintext bytes can take.
    static func bound(blockSize: Int) -> Int { ZstdFrameFormat.announcementSize + ZSTD_compressBound(blockSize) }

    /// Compresses `slot.input` into `slot.output`: the announcement, then one complete frame.
    func compress(worker: Int, slot: BlockSlot) {
        let input = slot.input
        let output = slot.output
        output.reserve(Self.bound(blockSize: input.count))
        let room = output.capacity - ZstdFrameFormat.announcementSize
        let n = ZSTD_compress2(
            contexts[worker], output.base + ZstdFrameFormat.announcementSize, room, input.base, input.count)
        guard ZSTD_isError(n) == 0 else {
            slot.error = CompressionError(
                .resource, "zstd could not compress block \(slot.index): \(String(cString: ZSTD_getErrorName(n)))")
            return
        }
        LittleEndian.store32(ZstdFrameFormat.skippableMagic, at: output.base)
        LittleEndian.store32(4, at: output.base + 4)
        LittleEndian.store32(UInt32(n), at: output.base + 8)
        output.count = ZstdFrameFormat.announcementSize + n
    }
}

/// One zstd decompression context per worker, for frames whose compressed size was announced.
final class ZstdDecompressors {
    private let contexts: [OpaquePointer]

    init(count: Int) {
        contexts = (0..<count).compactMap { _ in ZSTD_createDCtx() }
    }

    deinit { for d in contexts { ZSTD_freeDCtx(d) } }

    /// Inflates the complete frame in `slot.input` into `slot.output`, refusing one whose content is over
    /// `ZstdFrameFormat.maxFrameContent` or does not match the size its header states.
    func inflate(worker: Int, slot: BlockSlot) {
        let frame = "zstd frame \(slot.index) at offset \(slot.streamOffset)"
        guard worker < contexts.count else {
            slot.error = CompressionError(.resource, "cannot allocate a zstd decompression context")
            return
        }
        let input = slot.input
        let exact = ZSTD_findFrameCompressedSize(input.base, input.count)
        guard ZSTD_isError(exact) == 0, exact == input.count else {
            slot.error = CompressionError(.corruptMember, "\(frame): its announced size does not match the frame")
            return
        }
        let declared = ZSTD_getFrameContentSize(input.base, input.count)
        if declared == ZSTD_CONTENTSIZE_UNKNOWN { return inflateStreaming(worker: worker, slot: slot, frame: frame) }
        guard declared != ZSTD_CONTENTSIZE_ERROR, declared <= UInt64(ZstdFrameFormat.maxFrameContent) else {
            slot.error = CompressionError(.corruptMember, "\(frame): its header states no usable content size")
            return
        }
        let size = Int(declared)
        let output = slot.output
        output.count = 0
        output.reserve(size + 1)
        let n = ZSTD_decompressDCtx(contexts[worker], output.base, size + 1, input.base, input.count)
        guard ZSTD_isError(n) == 0 else {
            slot.error = CompressionError(
                .corruptMember, "\(frame): \(String(cString: ZSTD_getErrorName(n)))")
            return
        }
        guard n == size else {
            slot.error = CompressionError(.corruptMember, "\(frame): \(n) bytes where its header says \(size)")
            return
        }
        output.count = n
    }

    /// A frame whose header does not state its size (as `pzstd` writes them): streamed into the output,
    /// which may grow only up to `ZstdFrameFormat.maxFrameContent`.
    private func inflateStreaming(worker: Int, slot: BlockSlot, frame: String) {
        let context = contexts[worker]
        ZSTD_DCtx_reset(context, ZSTD_reset_session_only)
        ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, 27)
        let output = slot.output
        output.count = 0
        var input = ZSTD_inBuffer(src: slot.input.base, size: slot.input.count, pos: 0)
        while true {
            if output.capacity - output.count < 1 << 16 {
                guard output.capacity < ZstdFrameFormat.maxFrameContent + (1 << 16) else {
                    slot.error = CompressionError(
                        .corruptMember, "\(frame): holds more than \(ZstdFrameFormat.maxFrameContent) bytes")
                    return
                }
                output.reserve(output.capacity + (1 << 20))
            }
            var out = ZSTD_outBuffer(dst: output.base + output.count, size: output.capacity - output.count, pos: 0)
            let r = ZSTD_decompressStream(context, &out, &input)
            guard ZSTD_isError(r) == 0 else {
                slot.error = CompressionError(.corruptMember, "\(frame): \(String(cString: ZSTD_getErrorName(r)))")
                return
            }
            output.count += out.pos
            if output.count > ZstdFrameFormat.maxFrameContent {
                slot.error = CompressionError(
                    .corruptMember, "\(frame): holds more than \(ZstdFrameFormat.maxFrameContent) bytes")
                return
            }
            if r == 0 { return }
            guard input.pos < input.size || out.pos == out.size else {
                slot.error = CompressionError(.corruptMember, "\(frame): ends before its data does")
                return
            }
        }
    }
}
