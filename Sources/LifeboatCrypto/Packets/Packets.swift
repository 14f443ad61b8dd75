/// OpenPGP packet tags (RFC 4880 4.3) that Lifeboat reads or writes.
enum PacketTag {
    static let pkesk = 1
    static let signature = 2
    static let skesk = 3
    static let onePassSignature = 4
    static let secretKey = 5
    static let publicKey = 6
    static let secretSubkey = 7
    static let compressed = 8
    static let symmetricallyEncrypted = 9
    static let marker = 10
    static let literal = 11
    static let trust = 12
    static let userID = 13
    static let publicSubkey = 14
    static let userAttribute = 17
    static let seipd = 18
    static let mdc = 19
}

/// One whole packet, for the small structures (keys, signatures) that are read into memory.
struct Packet: Sendable {
    let tag: Int
    let body: [UInt8]
}

/// Splits a key file or other small OpenPGP blob into packets; old and new headers, partial lengths.
enum PacketReader {
    static func packets(_ bytes: [UInt8], kind: CryptoError.Kind, what: String) throws -> [Packet] {
        var reader = ByteReader(bytes, kind: kind, what: what)
        var out: [Packet] = []
        while !reader.isAtEnd {
            let first = try reader.u8()
            guard first & 0x80 != 0 else {
                throw CryptoError(kind, "\(what) is not an openpgp packet stream (byte \(reader.offset - 1))")
            }
            if first & 0x40 != 0 {
                let tag = Int(first & 0x3F)
                var body: [UInt8] = []
                while true {
                    let header = try newLength(&reader)
                    body += try reader.take(header.length)
                    if !header.partial { break }
                }
                out.append(Packet(tag: tag, body: body))
            } else {
                let tag = Int(first >> 2 & 0x0F)
                let length: Int
                switch first & 3 {
                case 0: length = Int(try reader.u8())
                case 1: length = try reader.u16()
                case 2: length = Int(try reader.u32())
                default: length = reader.remaining  // indeterminate: to the end
                }
                out.append(Packet(tag: tag, body: try reader.take(length)))
            }
        }
        return out
    }

    /// A new-format length (RFC 4880 4.2.2); partial lengths are flagged.
    static func newLength(_ reader: inout ByteReader) throws -> (length: Int, partial: Bool) {
        let b0 = Int(try reader.u8())
        switch b0 {
        case 0..<192: return (b0, false)
        case 192..<224: return ((b0 - 192) << 8 + Int(try reader.u8()) + 192, false)
        case 255: return (Int(try reader.u32()), false)
        default: return (1 << (b0 & 0x1F), true)
        }
    }
}

/// Writes packet headers in the new format.
enum PacketWriter {
    static func lengthBytes(_ length: Int) -> [UInt8] {
        switch length {
        case 0..<192: return [UInt8(length)]
        case 192..<8384:
            let v = length - 192
            return [UInt8(v >> 8 + 192), UInt8(v & 0xFF)]
        default: return [0xFF] + Bytes.u32(UInt32(length))
        }
    }

    static func header(tag: Int, length: Int) -> [UInt8] {
        [0xC0 | UInt8(tag)] + lengthBytes(length)
    }

    static func packet(tag: Int, body: [UInt8]) -> [UInt8] {
        header(tag: tag, length: body.count) + body
    }

    /// The one-byte header of a partial body chunk of 2^power bytes.
    static func partialLength(power: Int) -> UInt8 { 0xE0 | UInt8(power) }
}
