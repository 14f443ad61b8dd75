/// What the parser hands on: entries with their content, in archive order.
protocol TarEntryConsumer: AnyObject {
    func begin(_ entry: TarEntry) throws
    func content(_ bytes: UnsafeRawBufferPointer) throws
    func end(_ entry: TarEntry) throws
}

/// Cuts a tar byte stream, in any slicing, into entries: ustar headers with pax 'x'/'g' and GNU
/// 'L'/'K' headers applied, content streamed through, padding skipped, end marker required.
final class TarStreamParser {
    /// Pax and GNU long-name headers larger than this are refused rather than held in memory.
    static let maxMetadata = 1 << 20

    private enum Target {
        case entry(TarEntry)
        case paxLocal
        case paxGlobal
        case longName
        case longLink
    }

    private enum State {
        case header
        case data(Target, remaining: Int64, padding: Int)
        case padding(Int)
        case ended
    }

    /// Unowned: the consumer owns its parser, and a strong reference back kept both alive (with the
    /// extractor's folder descriptor) after a failure or an abandoned stream.
    private unowned let consumer: TarEntryConsumer
    private var state = State.header
    private var block: [UInt8] = []
    private var metadata: [UInt8] = []
    private var paxLocal = TarPaxRecords()
    private var paxGlobal = TarPaxRecords()
    private var longName: [UInt8]?
    private var longLink: [UInt8]?
    private var zeroBlocks = 0
    private var offset: Int64 = 0
    private var headerOffset: Int64 = 0

    init(consumer: TarEntryConsumer) {
        self.consumer = consumer
        block.reserveCapacity(512)
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while rest.count > 0 {
            let used: Int
            switch state {
            case .ended:
                return  // the rest is record padding
            case .header:
                if block.isEmpty { headerOffset = offset }
                used = min(512 - block.count, rest.count)
                block.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest.prefix(used)))
                if block.count == 512 {
                    try block.withUnsafeBytes { try header($0) }
                    block.removeAll(keepingCapacity: true)
                }
            case .padding(let left):
                used = min(left, rest.count)
                state = used == left ? .header : .padding(left - used)
            case .data(let target, let remaining, let padding):
                used = Int(min(Int64(rest.count), remaining))
                let slice = UnsafeRawBufferPointer(rebasing: rest.prefix(used))
                if case .entry = target {
                    try consumer.content(slice)
                } else {
                    metadata.append(contentsOf: slice)
                }
                if Int64(used) == remaining {
                    try complete(target)
                    state = padding > 0 ? .padding(padding) : .header
                } else {
                    state = .data(target, remaining: remaining - Int64(used), padding: padding)
                }
            }
            offset += Int64(used)
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(used))
        }
    }

    func finish() throws {
        switch state {
        case .ended:
            return
        case .header where block.isEmpty && zeroBlocks > 0:
            return  // one zero block and the end of the stream: accepted, as GNU tar does
        case .header where block.isEmpty:
            throw ArchiveError(.truncated, "tar archive is truncated: no end-of-archive marker at offset \(offset)")
        default:
            throw ArchiveError(.truncated, "tar archive is truncated inside the entry at offset \(headerOffset)")
        }
    }

    private func header(_ raw: UnsafeRawBufferPointer) throws {
        guard var entry = try TarHeaderDecoder.decode(raw, offset: headerOffset) else {
            zeroBlocks += 1
            if zeroBlocks == 2 { state = .ended }
            return
        }
        zeroBlocks = 0
        let padding = Int((512 - entry.size % 512) % 512)
        let target: Target
        switch entry.type {
        case UInt8(ascii: "x"): target = .paxLocal
        case UInt8(ascii: "g"): target = .paxGlobal
        case UInt8(ascii: "L"): target = .longName
        case UInt8(ascii: "K"): target = .longLink
        default:
            try TarHeaderDecoder.apply(paxGlobal, to: &entry, offset: headerOffset)
            if let longName { entry.path = longName }
            if let longLink { entry.linkPath = longLink }
            try TarHeaderDecoder.apply(paxLocal, to: &entry, offset: headerOffset)
            paxLocal = TarPaxRecords()
            longName = nil
            longLink = nil
            try consumer.begin(entry)
            if entry.hasData && entry.size > 0 {
                state = .data(.entry(entry), remaining: entry.size, padding: Int((512 - entry.size % 512) % 512))
            } else {
                try consumer.end(entry)
            }
            return
        }
        guard entry.size <= Self.maxMetadata else {
            throw ArchiveError(
                .corrupt, "tar metadata header at offset \(headerOffset) is too large (\(entry.size) bytes)")
        }
        metadata.removeAll(keepingCapacity: true)
        if entry.size == 0 {
            try complete(target)
        } else {
            state = .data(target, remaining: entry.size, padding: padding)
        }
    }

    private func complete(_ target: Target) throws {
        switch target {
        case .entry(let entry): try consumer.end(entry)
        case .paxLocal: paxLocal = try TarPaxRecords.parse(metadata, offset: headerOffset)
        case .paxGlobal: paxGlobal.merge(try TarPaxRecords.parse(metadata, offset: headerOffset))
        case .longName: longName = Self.cString(metadata)
        case .longLink: longLink = Self.cString(metadata)
        }
    }

    private static func cString(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.prefix { $0 != 0 })
    }
}
