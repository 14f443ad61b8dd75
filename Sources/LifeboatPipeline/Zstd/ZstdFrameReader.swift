import Foundation
import LifeboatCore

/// Reads a zstd payload: announced frames (as Lifeboat and `pzstd` write them) are inflated on every
/// core through the block ring, in order; from the first frame that is not announced (stock `zstd`
/// output, another skippable frame) the rest of the stream goes through one serial decompression
/// stream. Every size read from the stream is bounded before anything is allocated for it.
package final class ZstdFrameReader: ByteSink {
    /// Compressed bytes taken so far.
    package private(set) var bytesIn: Int64 = 0

    private enum Mode {
        case announcement
        case frame(remaining: Int)
        case serial
        case finished
    }

    private let output: ByteSink
    private let ring: BlockRing
    private var mode = Mode.announcement
    private var head: [UInt8] = []
    private var frames = 0
    private var frameStart: Int64 = 0
    private var serial: ZstdStreamInflater?
    private var failure: Error?

    package init(output: ByteSink, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let width = max(1, min(concurrency, 64))
        let decompressors = ZstdDecompressors(count: width)
        self.output = output
        ring = BlockRing(
            width: width,
            makeSlot: { BlockSlot(inputCapacity: 1 << 20, outputCapacity: 1 << 20) },
            work: { worker, slot in decompressors.inflate(worker: worker, slot: slot) },
            drain: { slot in try output.write(slot.output.bytes) })
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let failure { throw failure }
        do {
            try take(bytes)
        } catch {
            failure = error
            throw error
        }
    }

    package func finish() throws {
        if let failure { throw failure }
        do {
            try end()
        } catch {
            failure = error
            throw error
        }
    }

    private func take(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while rest.count > 0 {
            switch mode {
            case .finished:
                throw CompressionError(.misuse, "zstd reader used after finish")
            case .serial:
                bytesIn += Int64(rest.count)
                try serial?.feed(rest)
                return
            case .frame(let remaining):
                let n = min(remaining, rest.count)
                ring.current.input.append(UnsafeRawBufferPointer(rebasing: rest.prefix(n)))
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(n))
                bytesIn += Int64(n)
                if n == remaining {
                    frameStart += Int64(ZstdFrameFormat.announcementSize + ring.current.input.count)
                    frames += 1
                    mode = .announcement
                    try ring.commit()
                } else {
                    mode = .frame(remaining: remaining - n)
                }
            case .announcement:
                let n = min(ZstdFrameFormat.announcementSize - head.count, rest.count)
                head.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest.prefix(n)))
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(n))
                bytesIn += Int64(n)
                try readAnnouncement()
            }
        }
    }

    /// Decides, as soon as the bytes allow, whether `head` announces a frame, starts a frame read serially,
    /// or is not zstd at all.
    private func readAnnouncement() throws {
        if head.count >= 4 {
            let magic = ZstdFrameFormat.loadLE32(head)
            let skippable = magic & 0xFFFF_FFF0 == ZstdFrameFormat.skippableMagic & 0xFFFF_FFF0
            guard magic == ZstdFrameFormat.frameMagic || skippable else {
                throw CompressionError(
                    frames == 0 ? .badHeader : .trailingGarbage,
                    frames == 0
                        ? "not a zstd stream (bad magic at offset 0)"
                        : "trailing garbage after zstd frame \(frames - 1) at offset \(frameStart)")
            }
            if magic != ZstdFrameFormat.skippableMagic { return try switchToSerial() }
        }
        if head.count >= 8, ZstdFrameFormat.loadLE32(head, at: 4) != 4 { return try switchToSerial() }
        guard head.count == ZstdFrameFormat.announcementSize else { return }
        let size = Int(ZstdFrameFormat.loadLE32(head, at: 8))
        guard size >= 9, size <= ZstdFrameFormat.maxFrameSize else {
            throw CompressionError(
                .badHeader, "zstd frame \(frames) at offset \(frameStart): announced size \(size) cannot be right")
        }
        let slot = ring.current
        slot.input.count = 0
        slot.error = nil
        slot.index = frames
        slot.streamOffset = frameStart + Int64(ZstdFrameFormat.announcementSize)
        head.removeAll(keepingCapacity: true)
        mode = .frame(remaining: size)
    }

    /// Drains the announced frames read so far, then hands the rest of the stream to one serial stream.
    private func switchToSerial() throws {
        try ring.flush()
        let inflater = try ZstdStreamInflater(output: output, streamOffset: frameStart)
        serial = inflater
        mode = .serial
        let pending = head
        head.removeAll()
        try pending.withUnsafeBytes { try inflater.feed($0) }
    }

    private func end() throws {
        switch mode {
        case .finished:
            return
        case .frame:
            throw CompressionError(.truncated, "zstd stream ends inside frame \(frames) at offset \(frameStart)")
        case .announcement:
            if !head.isEmpty {
                throw CompressionError(
                    .truncated, "zstd stream ends inside the announcement of frame \(frames) at offset \(frameStart)")
            }
            if frames == 0 { throw CompressionError(.truncated, "zstd stream is empty") }
            try ring.flush()
        case .serial:
            try serial?.finish()
        }
        mode = .finished
        try output.finish()
    }
}
