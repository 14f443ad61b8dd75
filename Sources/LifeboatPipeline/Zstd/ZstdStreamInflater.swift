import CZstd
import LifeboatCore

/// Streams zstd frames that were not announced (from stock `zstd`, or after an unknown skippable frame)
/// through one decompression stream on the caller's thread, with the window bounded so a hostile frame
/// header cannot make it allocate more than 128 MiB.
final class ZstdStreamInflater {
    private let stream: OpaquePointer
    private let output: ByteSink
    private let buffer: BlockBuffer
    /// 0 when the last frame fed ended exactly; otherwise the stream stopped inside a frame.
    private var pending = 0
    private var offset: Int64

    init(output: ByteSink, streamOffset: Int64) throws {
        guard let s = ZSTD_createDStream() else {
            throw CompressionError(.resource, "cannot allocate a zstd decompression stream")
        }
        ZSTD_DCtx_setParameter(s, ZSTD_d_windowLogMax, 27)
        stream = s
        self.output = output
        buffer = BlockBuffer(capacity: ZSTD_DStreamOutSize())
        offset = streamOffset
    }

    deinit { ZSTD_freeDStream(stream) }

    func feed(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var input = ZSTD_inBuffer(src: base, size: bytes.count, pos: 0)
        while input.pos < input.size {
            var out = ZSTD_outBuffer(dst: buffer.base, size: buffer.capacity, pos: 0)
            let r = ZSTD_decompressStream(stream, &out, &input)
            guard ZSTD_isError(r) == 0 else {
                throw CompressionError(
                    .corruptMember,
                    "zstd data near offset \(offset + Int64(input.pos)): \(String(cString: ZSTD_getErrorName(r)))")
            }
            pending = r
            if out.pos > 0 { try output.write(UnsafeRawBufferPointer(start: buffer.base, count: out.pos)) }
        }
        offset += Int64(bytes.count)
        // Whatever is still held inside the stream's window comes out as later input arrives or at the end.
    }

    /// Fails when the stream ended inside a frame.
    func finish() throws {
        var empty = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while pending != 0 {
            var out = ZSTD_outBuffer(dst: buffer.base, size: buffer.capacity, pos: 0)
            let r = ZSTD_decompressStream(stream, &out, &empty)
            guard ZSTD_isError(r) == 0 else {
                throw CompressionError(.corruptMember, "zstd data at the end: \(String(cString: ZSTD_getErrorName(r)))")
            }
            if out.pos > 0 { try output.write(UnsafeRawBufferPointer(start: buffer.base, count: out.pos)) }
            if out.pos == 0 { break }
            pending = r
        }
        guard pending == 0 else {
            throw CompressionError(.truncated, "zstd stream ends inside a frame at offset \(offset)")
        }
    }
}
