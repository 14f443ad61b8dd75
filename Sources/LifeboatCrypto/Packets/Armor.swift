/// ASCII armor (RFC 4880 section 6): how keys travel as text and how `gpg --armor` messages look.
enum Armor {
    enum Block: String, Sendable {
        case publicKey = "PGP PUBLIC KEY BLOCK"
        case privateKey = "PGP PRIVATE KEY BLOCK"
        case message = "PGP MESSAGE"
        case signature = "PGP SIGNATURE"
    }

    /// Whether the bytes look like armor (start with "-----BEGIN PGP", after optional whitespace).
    static func looksArmored(_ bytes: [UInt8]) -> Bool {
        let start = bytes.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        return start.starts(with: Array("-----BEGIN PGP".utf8))
    }

    /// Decodes the first armored block: its label and its binary content, checking the CRC-24 when present.
    static func decode(_ bytes: [UInt8], kind: CryptoError.Kind) throws -> (label: String, data: [UInt8]) {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> [UInt8] in
            var l = Array(line)
            while let last = l.last, last == 0x0D || last == 0x20 || last == 0x09 { l.removeLast() }
            return l
        }
        let begin = Array("-----BEGIN ".utf8)
        guard let beginIndex = lines.firstIndex(where: { $0.starts(with: begin) }) else {
            throw CryptoError(kind, "no armor header line")
        }
        let headerLine = lines[beginIndex]
        guard headerLine.count > begin.count + 5, headerLine.suffix(5).elementsEqual(Array("-----".utf8)) else {
            throw CryptoError(kind, "malformed armor header line")
        }
        let label = String(decoding: headerLine[begin.count..<headerLine.count - 5], as: UTF8.self)
        var index = beginIndex + 1
        // Armor headers ("Version: ...", "Comment: ...") end at the first blank line.
        while index < lines.count, !lines[index].isEmpty, lines[index].contains(0x3A),
            !lines[index].starts(with: Array("-----".utf8))
        {
            index += 1
        }
        if index < lines.count, lines[index].isEmpty { index += 1 }
        var decoder = Base64Decoder()
        var data: [UInt8] = []
        var checksum: [UInt8]?
        var ended = false
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.starts(with: Array("-----END ".utf8)) {
                ended = true
                break
            }
            if line.first == 0x3D, line.count == 5 {  // "=XXXX": the CRC-24
                var crcDecoder = Base64Decoder()
                var crc: [UInt8] = []
                guard crcDecoder.decode(line.dropFirst(), into: &crc), crcDecoder.finish(into: &crc), crc.count == 3
                else { throw CryptoError(kind, "malformed armor checksum") }
                checksum = crc
                continue
            }
            guard decoder.decode(line[...], into: &data) else { throw CryptoError(kind, "invalid base64 in armor") }
        }
        guard ended else { throw CryptoError(kind, "armor has no end line (truncated)") }
        guard decoder.finish(into: &data) else { throw CryptoError(kind, "invalid base64 in armor") }
        if let crc = checksum {
            let value = CRC24.compute(data)
            guard crc == [UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] else {
                throw CryptoError(kind, "armor checksum mismatch (corrupted)")
            }
        }
        return (label, data)
    }

    static func encode(_ data: [UInt8], block: Block) -> String {
        var out = "-----BEGIN \(block.rawValue)-----\n\n"
        let body = Base64.encode(data)
        var index = body.startIndex
        while index < body.endIndex {
            let end = body.index(index, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex
            out += body[index..<end] + "\n"
            index = end
        }
        let crc = CRC24.compute(data)
        out += "=" + Base64.encode([UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]) + "\n"
        out += "-----END \(block.rawValue)-----\n"
        return out
    }
}

/// The CRC-24 of RFC 4880 6.1 that guards armored data.
enum CRC24 {
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = crc
        for b in bytes { c = (c << 8 ^ table[Int((c >> 16 ^ UInt32(b)) & 0xFF)]) & 0xFF_FFFF }
        return c
    }

    /// One entry per byte value: the CRC of that byte shifted through the polynomial 0x864CFB.
    private static let table: [UInt32] = (0..<256).map { (value: Int) -> UInt32 in
        var c = UInt32(value) << 16
        for _ in 0..<8 {
            c <<= 1
            if c & 0x100_0000 != 0 { c ^= 0x186_4CFB }
        }
        return c & 0xFF_FFFF
    }

    static let initial: UInt32 = 0xB7_04CE

    static func compute(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(initial, $0) }
    }
}

/// Base64 for armor, written here to stream and to reject bad characters instead of skipping them.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ data: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((data.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= data.count {
            let v = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
            out += [
                alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)],
                alphabet[Int(v & 63)],
            ]
            i += 3
        }
        let rest = data.count - i
        if rest == 1 {
            let v = UInt32(data[i]) << 16
            out += [alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)], 0x3D, 0x3D]
        } else if rest == 2 {
            let v = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8
            out += [alphabet[Int(v >> 18 & 63)], alphabet[Int(v >> 12 & 63)], alphabet[Int(v >> 6 & 63)], 0x3D]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()
}

/// An incremental base64 decoder: whitespace is skipped, "=" ends the data, anything else is an error.
struct Base64Decoder {
    private var accumulator: UInt32 = 0
    private var bits = 0
    private(set) var sawPadding = false

    /// Decodes more characters; false on an invalid character or data after padding.
    mutating func decode(_ chars: ArraySlice<UInt8>, into out: inout [UInt8]) -> Bool {
        let table = Base64.table
        for c in chars {
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { continue }
            if c == 0x3D {
                sawPadding = true
                continue
            }
            let v = table[Int(c)]
            if v == 0xFF || sawPadding { return false }
            accumulator = accumulator << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return true
    }

    /// Checks that no partial group is left over.
    func finish(into out: inout [UInt8]) -> Bool {
        bits < 6 && accumulator & ((1 << UInt32(bits)) - 1) == 0
    }
}
