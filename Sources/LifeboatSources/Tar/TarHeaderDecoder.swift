/// One archive member as the extractor sees it, after pax and GNU long-name headers are applied.
struct TarEntry {
    /// The name as bytes (with `hdrcharset=BINARY` it need not be UTF-8).
    var path: [UInt8]
    var type: UInt8
    var linkPath: [UInt8]
    var size: Int64
    var mode: UInt32
    var uid: UInt32
    var gid: UInt32
    var mtimeSeconds: Int64
    var mtimeNanoseconds: Int
    var xattrs: [TarXattr] = []

    /// The name for messages.
    var display: String { TarBytes.display(path) }

    /// Whether content blocks follow the header (regular files and unknown types, as tar readers do).
    var hasData: Bool {
        switch type {
        case UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4"),
            UInt8(ascii: "5"), UInt8(ascii: "6"):
            return false
        default:
            return true
        }
    }
}

/// Reads ustar/GNU header blocks and pax records, checking the header checksum, so a damaged
/// archive fails with a clear message instead of extracting garbage.
enum TarHeaderDecoder {
    /// Decodes a 512-byte header; nil for an all-zero block (end of archive).
    static func decode(_ h: UnsafeRawBufferPointer, offset: Int64) throws -> TarEntry? {
        if h.allSatisfy({ $0 == 0 }) { return nil }
        let stored = try number(h, 148, 8, offset: offset, field: "checksum")
        var unsigned = 0
        var signed = 0
        for (i, b) in h.enumerated() {
            let byte = (148..<156).contains(i) ? 0x20 : b
            unsigned += Int(byte)
            signed += Int(Int8(bitPattern: byte))
        }
        guard stored == Int64(unsigned) || stored == Int64(signed) else {
            throw ArchiveError(.corrupt, "bad tar header checksum at offset \(offset)")
        }
        var name = string(h, 0, 100)
        let isPOSIX = h[257] == UInt8(ascii: "u") && string(h, 257, 6) == Array("ustar".utf8) && h[262] == 0
        if isPOSIX {
            let prefix = string(h, 345, 155)
            if !prefix.isEmpty { name = prefix + [UInt8(ascii: "/")] + name }
        }
        let mode = try number(h, 100, 8, offset: offset, field: "mode")
        let uid = try number(h, 108, 8, offset: offset, field: "uid")
        let gid = try number(h, 116, 8, offset: offset, field: "gid")
        let size = try number(h, 124, 12, offset: offset, field: "size")
        let mtime = try number(h, 136, 12, offset: offset, field: "mtime")
        guard size >= 0 else { throw ArchiveError(.corrupt, "negative size in tar header at offset \(offset)") }
        return TarEntry(
            path: name, type: h[156], linkPath: string(h, 157, 100), size: size,
            mode: UInt32(truncatingIfNeeded: mode), uid: UInt32(truncatingIfNeeded: uid),
            gid: UInt32(truncatingIfNeeded: gid), mtimeSeconds: mtime, mtimeNanoseconds: 0)
    }

    /// A NUL-terminated field's bytes.
    static func string(_ h: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> [UInt8] {
        let field = h[start..<(start + length)]
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return Array(field[start..<end])
    }

    /// An octal field (spaces and NULs around it allowed) or GNU base-256.
    static func number(
        _ h: UnsafeRawBufferPointer, _ start: Int, _ length: Int, offset: Int64, field: String
    ) throws -> Int64 {
        let bytes = h[start..<(start + length)]
        if let first = bytes.first, first & 0x80 != 0 {
            var value: Int64 = first == 0xff ? -1 : Int64(first & 0x7f)
            for b in bytes.dropFirst() {
                guard value < (1 << 55), value > -(1 << 55) else {
                    throw ArchiveError(.corrupt, "tar header \(field) out of range at offset \(offset)")
                }
                value = value << 8 | Int64(b)
            }
            return value
        }
        var value: Int64 = 0
        var seenDigit = false
        var ended = false
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard !ended, value < (1 << 60) else {
                    throw ArchiveError(.corrupt, "bad \(field) field in tar header at offset \(offset)")
                }
                value = value * 8 + Int64(b - UInt8(ascii: "0"))
                seenDigit = true
            case 0, 0x20:
                if seenDigit { ended = true }
            default:
                throw ArchiveError(.corrupt, "bad \(field) field in tar header at offset \(offset)")
            }
        }
        return value
    }

    /// Applies pax records to an entry.
    static func apply(_ records: TarPaxRecords, to entry: inout TarEntry, offset: Int64) throws {
        guard !records.isEmpty else { return }
        func integer(_ key: String) throws -> Int64? {
            guard let text = records.text(key) else { return nil }
            guard let value = Int64(text) else {
                throw ArchiveError(.corrupt, "bad pax \(key) '\(text)' at offset \(offset)")
            }
            return value
        }
        if let path = records["path"] { entry.path = path }
        if let link = records["linkpath"] { entry.linkPath = link }
        if let size = try integer("size") {
            guard size >= 0 else { throw ArchiveError(.corrupt, "bad pax size at offset \(offset)") }
            entry.size = size
        }
        if let uid = try integer("uid") { entry.uid = UInt32(truncatingIfNeeded: uid) }
        if let gid = try integer("gid") { entry.gid = UInt32(truncatingIfNeeded: gid) }
        if let text = records.text("mtime") {
            guard let time = paxTime(text) else {
                throw ArchiveError(.corrupt, "bad pax mtime '\(text)' at offset \(offset)")
            }
            entry.mtimeSeconds = time.0
            entry.mtimeNanoseconds = time.1
        }
        let xattrs = try records.xattrs(offset: offset)
        if !xattrs.isEmpty { entry.xattrs = xattrs }
    }

    /// "1500000000.123456789" or "-1.5" as seconds and nanoseconds (nanoseconds always ≥ 0).
    static func paxTime(_ text: String) -> (Int64, Int)? {
        let negative = text.hasPrefix("-")
        let body = negative ? text.dropFirst() : Substring(text)
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let whole = Int64(first), whole >= 0 else { return nil }
        var nanos = 0
        if parts.count == 2 {
            let digits = parts[1].prefix(9)
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            nanos = (Int(digits) ?? 0) * Int(pow10(9 - digits.count))
        }
        if !negative { return (whole, nanos) }
        return nanos == 0 ? (-whole, 0) : (-whole - 1, 1_000_000_000 - nanos)
    }

    private static func pow10(_ n: Int) -> Int {
        var result = 1
        for _ in 0..<n { result *= 10 }
        return result
    }
}
