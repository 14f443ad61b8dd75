import CZlib
import LifeboatCore

/// Streams gzip members that do not record their size (from gzip, pigz, other tools) through
/// zlib, one member after another, on the caller's thread.
final class GzipZlibInflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: ByteSink
    private let buffer: BlockBuffer
    private var midMember = false
    /// Members completed so far; the first continues the numbering of earlier sized members.
    private(set) var members: Int
    /// Compressed bytes consumed, counted from the start of the whole stream.
    private var offset: Int64
    private(set) var bytesOut: Int64 = 0

    init(output: ByteSink, firstMember: Int, streamOffset: Int64) throws {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard lifeboat_inflateInit2(stream, 31) == Z_OK else {
            stream.deallocate()
            throw CompressionError(.resource, "cannot initialise zlib")
        }
        self.output = output
        buffer = BlockBuffer(capacity: 256 << 10)
        members = firstMember
        offset = streamOffset
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates the given bytes, writing what comes out to the output.
    func feed(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var next = base
        var left = bytes.count
        var more = true
        while more {
            if !midMember && left > 0 { try checkMagic(UnsafeRawBufferPointer(start: next, count: left)) }
            stream.pointee.next_in = UnsafeMutablePointer(mutating: next.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(min(left, Int(UInt32.max)))
            let given = Int(stream.pointee.avail_in)
            stream.pointee.next_out = buffer.base.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(buffer.capacity)
            let rc = inflate(stream, Z_NO_FLUSH)
            let consumed = given - Int(stream.pointee.avail_in)
            let produced = buffer.capacity - Int(stream.pointee.avail_out)
            next += consumed
            left -= consumed
            offset += Int64(consumed)
            if produced > 0 {
                try output.write(UnsafeRawBufferPointer(start: buffer.base, count: produced))
                bytesOut += Int64(produced)
            }
            // A full output buffer may leave inflated bytes inside zlib: go round again for them.
            more = left > 0 || stream.pointee.avail_out == 0
            switch rc {
            case Z_STREAM_END:
                members += 1
                midMember = false
                inflateReset(stream)
            case Z_OK:
                if consumed > 0 { midMember = true }
            case Z_BUF_ERROR:
                if consumed > 0 { midMember = true }
                if consumed == 0 && produced == 0 {
                    if left == 0 { return }
                    throw CompressionError(
                        .corruptMember, "gzip member \(members) near offset \(offset): zlib made no progress")
                }
            case Z_MEM_ERROR:
                throw CompressionError(.resource, "zlib ran out of memory")
            default:
                let why = stream.pointee.msg.map { String(cString: $0).lowercased() } ?? "invalid deflate data"
                throw CompressionError(.corruptMember, "gzip member \(members) near offset \(offset): \(why)")
            }
        }
    }

    /// Checks that the stream ended at a member boundary.
    func finish() throws {
        if midMember {
            throw CompressionError(.truncated, "gzip stream ends inside member \(members) at offset \(offset)")
        }
    }

    /// At a member boundary the next bytes must start a gzip header, else they are trailing garbage.
    private func checkMagic(_ bytes: UnsafeRawBufferPointer) throws {
        let good = bytes[0] == GzipMemberFormat.id1 && (bytes.count < 2 || bytes[1] == GzipMemberFormat.id2)
        if !good {
            throw CompressionError(
                .trailingGarbage, "trailing garbage after gzip member \(members - 1) at offset \(offset)")
        }
    }
}
