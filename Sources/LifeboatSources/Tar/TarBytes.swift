#if canImport(Glibc)
    import Glibc
#endif

/// File names as the kernel sees them: bytes, not text. A name that is not valid UTF-8 (a Latin-1
/// `caf\xe9.txt`) must pass through the walker, the archive and the extractor unchanged, so paths
/// travel as `[UInt8]` and become text only in messages.
enum TarBytes {
    /// The bytes with a terminating NUL, for the C calls (`open`, `openat`, `lstat`, ...).
    static func c(_ bytes: [UInt8]) -> [CChar] {
        var out = [CChar]()
        out.reserveCapacity(bytes.count + 1)
        for b in bytes { out.append(CChar(bitPattern: b)) }
        out.append(0)
        return out
    }

    /// A readable form for messages: invalid UTF-8 bytes shown as `\xNN`.
    static func display(_ bytes: [UInt8]) -> String {
        if isUTF8(bytes) { return String(decoding: bytes, as: UTF8.self) }
        var out = ""
        var i = 0
        while i < bytes.count {
            let length = validSequence(bytes, at: i)
            if length > 0 {
                out += String(decoding: bytes[i..<(i + length)], as: UTF8.self)
                i += length
            } else {
                let hex = String(bytes[i], radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                i += 1
            }
        }
        return out
    }

    /// Whether the bytes are well-formed UTF-8.
    static func isUTF8(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            let length = validSequence(bytes, at: i)
            if length == 0 { return false }
            i += length
        }
        return true
    }

    /// The length of the well-formed UTF-8 sequence starting at `i`, 0 when there is none.
    private static func validSequence(_ b: [UInt8], at i: Int) -> Int {
        let first = b[i]
        if first < 0x80 { return 1 }
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xbf
        switch first {
        case 0xc2...0xdf: length = 2
        case 0xe0:
            length = 3
            low = 0xa0
        case 0xe1...0xec, 0xee...0xef: length = 3
        case 0xed:
            length = 3
            high = 0x9f
        case 0xf0:
            length = 4
            low = 0x90
        case 0xf1...0xf3: length = 4
        case 0xf4:
            length = 4
            high = 0x8f
        default: return 0
        }
        guard i + length <= b.count else { return 0 }
        guard b[i + 1] >= low && b[i + 1] <= high else { return 0 }
        for k in 2..<length where b[i + k] < 0x80 || b[i + k] > 0xbf { return 0 }
        return length
    }

    /// The components of a slash-separated name, empty ones and `.` dropped.
    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: UInt8(ascii: "/")).map(Array.init).filter { $0 != [UInt8(ascii: ".")] }
    }

    static let dotDot: [UInt8] = [UInt8(ascii: "."), UInt8(ascii: ".")]
}
