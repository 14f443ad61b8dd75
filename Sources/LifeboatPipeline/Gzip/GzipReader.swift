import Foundation
import LifeboatCore

/// Takes a gzip stream in any slicing and streams the decompressed bytes to `output`.
///
/// Members that record their own size (written by `GzipMemberWriter`) are cut out without
/// inflating and inflated on all cores with libdeflate; from the first member without that
/// field on, the rest of the stream goes through zlib. Damage, truncation, lying size fields and
/// trailing garbage throw `CompressionError`; memory stays at a few blocks whatever the size.
package final class GzipReader: ByteSink {
    /// Compressed bytes taken so far.
    package private(set) var bytesIn: Int64 = 0
    /// Decompressed bytes written to the output so far.
    package var bytesOut: Int64 { tally.count + (zlib?.bytesOut ?? 0) }

    private enum Mode {
        case header
        case member(remaining: Int)
        case zlib
        case finished
    }

    private let output: ByteSink
    private let runner: BlockRing
    private let tally = GzipTally()
    private var mode = Mode.header
    private var head: [UInt8] = []
    private var members = 0
    private var memberStart: Int64 = 0
    private var zlib: GzipZlibInflater?
    private var failure: CompressionError?

    package init(output: ByteSink, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        let width = max(1, min(concurrency, 64))
        let decompressors = GzipDecompressors(count: width)
        let tally = self.tally
        self.output = output
        runner = BlockRing(
            width: width,
            makeSlot: { BlockSlot(inputCapacity: 1 << 20, outputCapacity: 1 << 20) },
            work: { worker, slot in decompressors.inflate(worker: worker, slot: slot) },
            drain: { slot in
                try output.write(slot.output.bytes)
                tally.count += Int64(slot.output.count)
            })
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let failure { throw failure }
        do {
            try take(bytes)
        } catch let error as CompressionError {
            failure = error
            throw error
        }
    }

    package func finish() throws {
        if let failure { throw failure }
        do {
            try end()
        } catch let error as CompressionError {
            failure = error
            throw error
        }
    }

    private func take(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while rest.count > 0 {
            switch mode {
            case .finished:
                throw CompressionError(.misuse, "gzip reader used after finish")
            case .zlib:
                bytesIn += Int64(rest.count)
                try zlib?.feed(rest)
                return
            case .member(let remaining):
                let n = min(remaining, rest.count)
                runner.current.input.append(UnsafeRawBufferPointer(rebasing: rest.prefix(n)))
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(n))
                bytesIn += Int64(n)
                if n == remaining {
                    memberStart += Int64(runner.current.input.count)
                    members += 1
                    mode = .header
                    try runner.commit()
                } else {
                    mode = .member(remaining: remaining - n)
                }
            case .header:
                let n = try readHeader(rest)
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(n))
                bytesIn += Int64(n)
            }
        }
    }

    /// Feeds header bytes and decides how to read the member; returns how many bytes it used.
    private func readHeader(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        var used = 0
        while true {
            switch GzipMemberFormat.classify(head) {
            case .needMore(let needed):
                let n = min(needed - head.count, bytes.count - used)
                if n == 0 { return used }
                // Classify again even with a partial header: a bad magic byte fails at once.
                head.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[used..<(used + n)]))
                used += n
            case .notGzip:
                if members > 0 {
                    throw CompressionError(
                        .trailingGarbage, "trailing garbage after gzip member \(members - 1) at offset \(memberStart)")
                }
                throw CompressionError(.badHeader, "not a gzip stream (bad magic or header at offset 0)")
            case .plain:
                try switchToZlib()
                return used
            case .sized(let headerSize, let memberSize):
                let minimum = headerSize + GzipMemberFormat.trailerSize + 1
                guard memberSize >= minimum, memberSize <= GzipMemberFormat.maxMemberSize else {
                    throw CompressionError(
                        .badHeader,
                        "gzip member \(members) at offset \(memberStart): size field \(memberSize) cannot be right")
                }
                let slot = runner.current
                slot.input.count = 0
                slot.error = nil
                head.withUnsafeBytes { slot.input.append($0) }
                slot.headerSize = headerSize
                slot.index = members
                slot.streamOffset = memberStart
                head.removeAll(keepingCapacity: true)
                mode = .member(remaining: memberSize - headerSize)
                return used
            }
        }
    }

    /// Drains the sized members read so far, then hands the rest of the stream to zlib.
    private func switchToZlib() throws {
        try runner.flush()
        let inflater = try GzipZlibInflater(output: output, firstMember: members, streamOffset: memberStart)
        zlib = inflater
        mode = .zlib
        let pending = head
        head.removeAll()
        try pending.withUnsafeBytes { try inflater.feed($0) }
    }

    private func end() throws {
        switch mode {
        case .finished:
            return
        case .member:
            throw CompressionError(.truncated, "gzip stream ends inside member \(members) at offset \(memberStart)")
        case .header:
            if !head.isEmpty {
                throw CompressionError(
                    .truncated, "gzip stream ends inside the header of member \(members) at offset \(memberStart)")
            }
            if members == 0 { throw CompressionError(.truncated, "gzip stream is empty") }
            try runner.flush()
        case .zlib:
            try zlib?.finish()
        }
        mode = .finished
        try output.finish()
    }
}
