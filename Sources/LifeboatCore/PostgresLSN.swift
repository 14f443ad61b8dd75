/// A PostgreSQL write-ahead log position (an LSN), written as PostgreSQL writes it: two hexadecimal
/// halves joined by a slash (`0/2000028`). Parsed strictly, because it comes from a server's output or
/// a manifest, and compared as the 64-bit number it is.
package struct PostgresLSN: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    package var value: UInt64

    package init(_ value: UInt64) { self.value = value }

    /// `X/Y` with 1 to 8 hexadecimal digits on each side; nil for anything else.
    package init?(_ text: some StringProtocol) {
        let parts = String(text).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let high = Self.hex(parts[0]), let low = Self.hex(parts[1]) else { return nil }
        value = UInt64(high) << 32 | UInt64(low)
    }

    private static func hex(_ s: Substring) -> UInt32? {
        guard (1...8).contains(s.utf8.count), s.utf8.allSatisfy(Self.isHexDigit) else { return nil }
        return UInt32(s, radix: 16)
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
    }

    package var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    package static func < (a: PostgresLSN, b: PostgresLSN) -> Bool { a.value < b.value }

    package init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let lsn = PostgresLSN(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a WAL position: \(text.prefix(40))")
        }
        self = lsn
    }

    package func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
