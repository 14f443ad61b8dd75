import LifeboatDigest

/// Reads big-endian fields from a packet body, throwing a `CryptoError` of a chosen kind when it runs short.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int
    let kind: CryptoError.Kind
    let what: String

    init(_ bytes: [UInt8], kind: CryptoError.Kind, what: String) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
        self.kind = kind
        self.what = what
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    func truncated() -> CryptoError { CryptoError(kind, "\(what) is truncated") }

    mutating func u8() throws -> UInt8 {
        guard offset < end else { throw truncated() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws -> Int {
        let a = Int(try u8())
        let b = Int(try u8())
        return a << 8 | b
    }

    mutating func u32() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 { v = v << 8 | UInt32(try u8()) }
        return v
    }

    mutating func take(_ n: Int) throws -> [UInt8] {
        guard n >= 0, n <= remaining else { throw truncated() }
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }

    mutating func rest() -> [UInt8] {
        defer { offset = end }
        return Array(bytes[offset..<end])
    }

    /// An OpenPGP multiprecision integer: a 2-byte bit count, then the big-endian magnitude.
    mutating func mpi() throws -> [UInt8] {
        let bits = try u16()
        return try take((bits + 7) / 8)
    }

    /// An MPI whose bit count must match its value exactly, as in session key packets: no malleable headers.
    mutating func canonicalMPI() throws -> [UInt8] {
        let bits = try u16()
        let value = try take((bits + 7) / 8)
        if let first = value.first {
            guard (value.count - 1) * 8 + (8 - first.leadingZeroBitCount) == bits else {
                throw CryptoError(kind, "\(what) has a malformed number")
            }
        }
        return value
    }
}

/// Encoders for the small binary fields OpenPGP uses.
enum Bytes {
    static func u16(_ v: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }

    static func u32(_ v: UInt32) -> [UInt8] {
        [
            UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16),
            UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v),
        ]
    }

    /// Encodes a big-endian magnitude as an MPI, dropping leading zero bytes as RFC 4880 requires.
    static func mpi(_ magnitude: [UInt8]) -> [UInt8] {
        let trimmed = magnitude.drop(while: { $0 == 0 })
        guard let first = trimmed.first else { return [0, 0] }
        let bits = (trimmed.count - 1) * 8 + (8 - first.leadingZeroBitCount)
        return u16(bits) + trimmed
    }

    /// Left-pads (or checks) a big-endian magnitude to exactly `count` bytes.
    static func leftPad(_ bytes: [UInt8], to count: Int) -> [UInt8]? {
        let trimmed = Array(bytes.drop(while: { $0 == 0 }))
        guard trimmed.count <= count else { return nil }
        return [UInt8](repeating: 0, count: count - trimmed.count) + trimmed
    }

    /// Uppercase hex, as OpenPGP tools print fingerprints and key ids.
    static func upperHex(_ bytes: [UInt8]) -> String { bytes.hexString.uppercased() }

    /// Compares in time that does not depend on where the first difference is.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
