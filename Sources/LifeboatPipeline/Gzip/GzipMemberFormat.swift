/// The layout of the gzip members Lifeboat writes (RFC 1952 with one FEXTRA subfield).
///
/// ```
/// 1f 8b 08 04 | mtime 0 (4) | xfl | os 3 | xlen 8 (2) | 'L' 'B' | slen 4 (2) | member size (4, LE)
/// deflate data | crc32 (4, LE) | isize (4, LE)
/// ```
/// The member size counts every byte of the member, header and trailer included, so a reader
/// can cut the stream into members without inflating, as BGZF's 'BC' subfield allows.
enum GzipMemberFormat {
    static let id1: UInt8 = 0x1f
    static let id2: UInt8 = 0x8b
    static let methodDeflate: UInt8 = 8
    static let flagExtra: UInt8 = 0x04
    static let reservedFlags: UInt8 = 0xe0
    static let osUnix: UInt8 = 3
    static let subfieldID1 = UInt8(ascii: "L")
    static let subfieldID2 = UInt8(ascii: "B")

    /// Bytes before the deflate data in a member we write.
    static let headerSize = 20
    /// CRC-32 and ISIZE.
    static let trailerSize = 8
    /// Bytes of a fixed header before XLEN's content: ID1 ID2 CM FLG MTIME XFL OS XLEN.
    static let fixedHeaderSize = 12

    /// The largest block the writer accepts; it bounds what the reader must hold per member.
    static let maxBlockSize = 16 << 20
    /// The largest member or ISIZE the reader accepts from a size field: anything above is a lie.
    static let maxMemberSize = maxBlockSize + (maxBlockSize >> 4) + 4096

    /// Writes our 20-byte header for a member of `memberSize` bytes into `out`.
    static func writeHeader(into out: UnsafeMutableRawPointer, memberSize: Int, level: Int) {
        let xfl: UInt8 = level >= 10 ? 2 : (level <= 1 ? 4 : 0)
        let bytes: [UInt8] = [
            id1, id2, methodDeflate, flagExtra, 0, 0, 0, 0, xfl, osUnix,
            8, 0, subfieldID1, subfieldID2, 4, 0,
        ]
        for (i, byte) in bytes.enumerated() { out.storeBytes(of: byte, toByteOffset: i, as: UInt8.self) }
        LittleEndian.store32(UInt32(truncatingIfNeeded: memberSize), at: out + 16)
    }

    /// What the first bytes of a member say about how to read it.
    enum HeaderVerdict: Equatable {
        /// More bytes are needed to decide.
        case needMore(Int)
        /// One of ours: the header is `headerSize` bytes and the whole member `memberSize`.
        case sized(headerSize: Int, memberSize: Int)
        /// A gzip member without our size field: stream it through zlib.
        case plain
        /// Not a gzip member at all.
        case notGzip
    }

    /// Classifies the start of a member from the bytes seen so far.
    static func classify(_ b: [UInt8]) -> HeaderVerdict {
        if b.count >= 1 && b[0] != id1 { return .notGzip }
        if b.count >= 2 && b[1] != id2 { return .notGzip }
        if b.count < 4 { return .needMore(4) }
        if b[2] != methodDeflate || b[3] & reservedFlags != 0 { return .notGzip }
        if b[3] != flagExtra { return .plain }
        if b.count < fixedHeaderSize { return .needMore(fixedHeaderSize) }
        let xlen = Int(b[10]) | Int(b[11]) << 8
        let total = fixedHeaderSize + xlen
        if b.count < total { return .needMore(total) }
        var i = fixedHeaderSize
        while i + 4 <= total {
            let slen = Int(b[i + 2]) | Int(b[i + 3]) << 8
            if b[i] == subfieldID1 && b[i + 1] == subfieldID2 && slen == 4 && i + 8 <= total {
                let size = Int(b[i + 4]) | Int(b[i + 5]) << 8 | Int(b[i + 6]) << 16 | Int(b[i + 7]) << 24
                return .sized(headerSize: total, memberSize: size)
            }
            i += 4 + slen
        }
        return .plain
    }
}
