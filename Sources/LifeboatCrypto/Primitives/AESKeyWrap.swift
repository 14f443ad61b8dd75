/// AES key wrap (RFC 3394), which RFC 6637 ECDH uses to carry the session key to each recipient.
enum AESKeyWrap {
    private static let defaultIV: [UInt8] = [0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6]

    static func algorithm(forKEK kek: [UInt8]) throws -> SymmetricAlgorithm {
        switch kek.count {
        case 16: return .aes128
        case 24: return .aes192
        case 32: return .aes256
        default: throw CryptoError(.library, "key-encryption key of \(kek.count) bytes")
        }
    }

    static func wrap(kek: [UInt8], plaintext: [UInt8]) throws -> [UInt8] {
        guard plaintext.count >= 16, plaintext.count % 8 == 0 else {
            throw CryptoError(.library, "key wrap input must be a multiple of 8 bytes, at least 16")
        }
        let aes = try AESBlock(try algorithm(forKEK: kek), key: kek, encrypt: true)
        let n = plaintext.count / 8
        var a = defaultIV
        var r = (0..<n).map { Array(plaintext[$0 * 8..<$0 * 8 + 8]) }
        for j in 0..<6 {
            for i in 0..<n {
                let b = try aes.process(a + r[i])
                let t = UInt64(n * j + i + 1)
                a = Array(b[0..<8])
                for k in 0..<8 { a[k] ^= UInt8(truncatingIfNeeded: t >> (56 - 8 * UInt64(k))) }
                r[i] = Array(b[8..<16])
            }
        }
        return a + r.flatMap { $0 }
    }

    /// Unwraps, returning nil when the integrity check fails (wrong key or tampered data).
    static func unwrap(kek: [UInt8], ciphertext: [UInt8]) throws -> [UInt8]? {
        guard ciphertext.count >= 24, ciphertext.count % 8 == 0 else { return nil }
        let aes = try AESBlock(try algorithm(forKEK: kek), key: kek, encrypt: false)
        let n = ciphertext.count / 8 - 1
        var a = Array(ciphertext[0..<8])
        var r = (0..<n).map { Array(ciphertext[($0 + 1) * 8..<($0 + 2) * 8]) }
        for j in stride(from: 5, through: 0, by: -1) {
            for i in stride(from: n - 1, through: 0, by: -1) {
                let t = UInt64(n * j + i + 1)
                for k in 0..<8 { a[k] ^= UInt8(truncatingIfNeeded: t >> (56 - 8 * UInt64(k))) }
                let b = try aes.process(a + r[i])
                a = Array(b[0..<8])
                r[i] = Array(b[8..<16])
            }
        }
        guard Bytes.constantTimeEqual(a, defaultIV) else { return nil }
        return r.flatMap { $0 }
    }
}
