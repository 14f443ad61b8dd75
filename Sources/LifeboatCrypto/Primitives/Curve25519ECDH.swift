/// ECDH on cv25519 as RFC 6637 and GnuPG do it: X25519, the "Anonymous Sender" KDF, AES key wrap.
///
/// Public values carry a 0x40 prefix and are in native (RFC 7748) order; the secret scalar is stored
/// as a big-endian MPI, which is the native bytes reversed.
enum Curve25519ECDH {
    struct Wrapped {
        let ephemeral: [UInt8]
        let wrappedKey: [UInt8]

        /// The PKESK algorithm-specific fields: MPI(0x40 || ephemeral), one length byte, the wrapped key.
        var encoded: [UInt8] { Bytes.mpi([0x40] + ephemeral) + [UInt8(wrappedKey.count)] + wrappedKey }
    }

    static func kdfParameters(kdfHash: UInt8, kdfCipher: UInt8, fingerprint: [UInt8]) -> [UInt8] {
        [UInt8(PublicKeyAlgorithm.curve25519OID.count)] + PublicKeyAlgorithm.curve25519OID
            + [PublicKeyAlgorithm.ecdh, 0x03, 0x01, kdfHash, kdfCipher]
            + Array("Anonymous Sender    ".utf8) + fingerprint
    }

    static func keyEncryptionKey(shared: [UInt8], kdfHash: UInt8, kdfCipher: UInt8, fingerprint: [UInt8]) throws
        -> [UInt8]
    {
        let hash = try HashAlgorithm(id: kdfHash, kind: .badKey)
        let cipher = try SymmetricAlgorithm(id: kdfCipher, kind: .badKey)
        let digest = HashAlgorithm.digest(
            hash, [0, 0, 0, 1], shared,
            kdfParameters(kdfHash: kdfHash, kdfCipher: kdfCipher, fingerprint: fingerprint))
        guard digest.count >= cipher.keyLength else {
            throw CryptoError(.badKey, "ecdh kdf hash is too short for its key-wrap cipher")
        }
        return Array(digest.prefix(cipher.keyLength))
    }

    /// Wraps a session-key block (algorithm, key, checksum) for one recipient.
    static func encrypt(
        sessionBlock: [UInt8], recipientPublic: [UInt8], kdfHash: UInt8, kdfCipher: UInt8,
        fingerprint: [UInt8]
    ) throws -> Wrapped {
        let ephemeralSecret = try X25519.generateSecret()
        let ephemeral = try X25519.publicKey(secret: ephemeralSecret)
        let shared = try X25519.sharedSecret(secret: ephemeralSecret, peer: recipientPublic)
        let kek = try keyEncryptionKey(shared: shared, kdfHash: kdfHash, kdfCipher: kdfCipher, fingerprint: fingerprint)
        let pad = 8 - sessionBlock.count % 8
        let padded = sessionBlock + [UInt8](repeating: UInt8(pad), count: pad)
        return Wrapped(ephemeral: ephemeral, wrappedKey: try AESKeyWrap.wrap(kek: kek, plaintext: padded))
    }

    /// Unwraps a session-key block with the recipient's native secret scalar; nil when it does not check out.
    static func decrypt(
        ephemeral: [UInt8], wrappedKey: [UInt8], secret: [UInt8], kdfHash: UInt8, kdfCipher: UInt8,
        fingerprint: [UInt8]
    ) throws -> [UInt8]? {
        let shared = try X25519.sharedSecret(secret: secret, peer: ephemeral)
        let kek = try keyEncryptionKey(shared: shared, kdfHash: kdfHash, kdfCipher: kdfCipher, fingerprint: fingerprint)
        guard let padded = try AESKeyWrap.unwrap(kek: kek, ciphertext: wrappedKey), let last = padded.last,
            last >= 1, last <= 8, Int(last) < padded.count,
            padded.suffix(Int(last)).allSatisfy({ $0 == last })
        else { return nil }
        return Array(padded.dropLast(Int(last)))
    }

    /// The native X25519 secret from GnuPG's big-endian MPI.
    static func nativeSecret(fromMPI mpi: [UInt8]) -> [UInt8]? {
        guard let padded = Bytes.leftPad(mpi, to: 32) else { return nil }
        return padded.reversed()
    }
}

/// The session-key block that PKESK packets carry: algorithm id, key, 16-bit sum of the key bytes.
enum SessionKeyBlock {
    static func encode(algorithm: SymmetricAlgorithm, key: [UInt8]) -> [UInt8] {
        [algorithm.rawValue] + key + Bytes.u16(checksum(key))
    }

    static func checksum(_ key: [UInt8]) -> Int { key.reduce(0) { ($0 + Int($1)) & 0xFFFF } }

    /// The algorithm and key, or nil when the block is malformed or its checksum is wrong.
    static func decode(_ block: [UInt8]) -> (SymmetricAlgorithm, [UInt8])? {
        guard let first = block.first, let alg = SymmetricAlgorithm(rawValue: first),
            block.count == 1 + alg.keyLength + 2
        else { return nil }
        let key = Array(block[1...alg.keyLength])
        let sum = Int(block[block.count - 2]) << 8 | Int(block[block.count - 1])
        guard sum == checksum(key) else { return nil }
        return (alg, key)
    }
}
