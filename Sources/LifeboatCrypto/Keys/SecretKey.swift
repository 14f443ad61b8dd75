import Foundation

/// An OpenPGP secret key for restore: the decryption subkeys (RSA or cv25519) opened with the passphrase.
///
/// It exists for restores, which run off the host or with the key brought in for the occasion; the
/// backup host itself only ever holds `OpenPGPPublicKey`.
package struct OpenPGPSecretKey: Sendable {
    /// A key that can open PKESK packets, with its secret in usable form.
    struct DecryptionKey: Sendable {
        let key: KeyPacket
        let secret: SecretMaterial
    }

    enum SecretMaterial: Sendable {
        case rsa(d: [UInt8], p: [UInt8], q: [UInt8])
        case x25519(native: [UInt8])
    }

    /// The primary key fingerprint, 40 uppercase hex digits.
    package var fingerprint: String { primary.fingerprintHex }
    /// Key ids (16 hex digits) of the keys that can decrypt.
    package var decryptionKeyIDs: [String] { keys.map { $0.key.keyIDHex } }
    let primary: KeyPacket
    let keys: [DecryptionKey]

    /// Loads a key as `gpg --export-secret-keys [--armor]` writes it; errors start with the file name.
    package static func load(contentsOf path: String, passphrase: String?) throws -> OpenPGPSecretKey {
        try KeyFile.load(path) { try OpenPGPSecretKey(bytes: $0, passphrase: passphrase) }
    }

    package init(bytes: [UInt8], passphrase: String?) throws {
        let (data, _) = try KeyFile.binary(bytes)
        let block = try KeyBlock.parse(try PacketReader.packets(data, kind: .badKey, what: "key"))
        guard block.hasSecretMaterial else {
            throw CryptoError(
                .badKey, "holds no secret key material (a public key was given where the secret key is needed)")
        }
        primary = block.primary
        var candidates: [(KeyPacket, [UInt8])] = []
        if let part = block.primarySecretPart, primary.canEncrypt { candidates.append((primary, part)) }
        for sub in block.subkeys {
            if let part = sub.secretPart, sub.key.canEncrypt { candidates.append((sub.key, part)) }
        }
        var opened: [DecryptionKey] = []
        for (key, part) in candidates {
            if let secret = try Self.open(key: key, secretPart: part, passphrase: passphrase) {
                opened.append(DecryptionKey(key: key, secret: secret))
            }
        }
        guard !opened.isEmpty else {
            throw CryptoError(.badKey, "key \(primary.fingerprintHex) holds no usable secret encryption key")
        }
        keys = opened
    }

    /// Opens one secret key packet's secret part; nil for a GnuPG stub (secret not present).
    static func open(key: KeyPacket, secretPart: [UInt8], passphrase: String?) throws -> SecretMaterial? {
        var reader = ByteReader(secretPart, kind: .badKey, what: "secret key packet")
        let usage = try reader.u8()
        var plain: [UInt8]
        switch usage {
        case 0:
            plain = reader.rest()
            guard plain.count >= 2 else { throw reader.truncated() }
            let sum = Int(plain[plain.count - 2]) << 8 | Int(plain[plain.count - 1])
            plain.removeLast(2)
            guard sum == SessionKeyBlock.checksum(plain) else {
                throw CryptoError(.badKey, "secret key \(key.keyIDHex) is corrupted (checksum mismatch)")
            }
        case 254, 255:
            let cipher = try SymmetricAlgorithm(id: try reader.u8(), kind: .badKey)
            let s2k = try S2K.parse(&reader)
            if s2k.kind == .gnuDummy { return nil }
            let iv = try reader.take(SymmetricAlgorithm.blockSize)
            guard let passphrase else {
                throw CryptoError(
                    .wrongPassphrase, "secret key \(key.keyIDHex) is protected by a passphrase and none was given")
            }
            let derived = s2k.deriveKey(passphrase: Array(passphrase.utf8), length: cipher.keyLength)
            plain = try CFBCipher(cipher, key: derived, iv: iv, encrypt: false).update(reader.rest())
            let checkLength = usage == 254 ? 20 : 2
            guard plain.count >= checkLength else { throw reader.truncated() }
            let check = Array(plain.suffix(checkLength))
            plain.removeLast(checkLength)
            let expected =
                usage == 254 ? HashAlgorithm.digest(.sha1, plain) : Bytes.u16(SessionKeyBlock.checksum(plain))
            guard Bytes.constantTimeEqual(check, expected) else {
                throw CryptoError(.wrongPassphrase, "wrong passphrase for secret key \(key.keyIDHex)")
            }
        default:
            throw CryptoError(
                .unsupported,
                "secret key \(key.keyIDHex) uses legacy protection (usage \(usage)); re-export it with gpg 2.2")
        }
        var mpis = ByteReader(plain, kind: .badKey, what: "secret key material")
        switch key.material {
        case .rsa:
            let d = try mpis.mpi()
            let p = try mpis.mpi()
            let q = try mpis.mpi()
            _ = try mpis.mpi()  // u = p^-1 mod q; OpenSSL's coefficient is derived instead
            return .rsa(d: d, p: p, q: q)
        case .x25519(let pub, _, _):
            guard let native = Curve25519ECDH.nativeSecret(fromMPI: try mpis.mpi()) else {
                throw CryptoError(.badKey, "cv25519 secret key \(key.keyIDHex) is malformed")
            }
            guard try X25519.publicKey(secret: native) == pub else {
                throw CryptoError(.badKey, "cv25519 secret key \(key.keyIDHex) does not match its public key")
            }
            return .x25519(native: native)
        default:
            return nil
        }
    }
}

extension OpenPGPSecretKey.DecryptionKey {
    /// Recovers the session key from a PKESK's algorithm fields; nil when this key cannot open it.
    func decryptSessionKey(fields: [UInt8]) throws -> (SymmetricAlgorithm, [UInt8])? {
        var r = ByteReader(fields, kind: .badMessage, what: "public-key encrypted session key packet")
        switch (key.material, secret) {
        case (.rsa(let n, let e), .rsa(let d, let p, let q)):
            let c = try r.canonicalMPI()
            guard r.isAtEnd else { throw CryptoError(.badMessage, "session key packet has trailing bytes") }
            let privateKey = try RSA.privateKey(n: n, e: e, d: d, p: p, q: q)
            guard let block = try RSA.decrypt(key: privateKey, modulusLength: n.count, ciphertext: c) else {
                return nil
            }
            return SessionKeyBlock.decode(block)
        case (.x25519(_, let kdfHash, let kdfCipher), .x25519(let native)):
            let point = try r.canonicalMPI()
            let wrapped = try r.take(Int(try r.u8()))
            guard r.isAtEnd else { throw CryptoError(.badMessage, "session key packet has trailing bytes") }
            guard point.count == 33, point[0] == 0x40 else { return nil }
            guard
                let block = try Curve25519ECDH.decrypt(
                    ephemeral: Array(point[1...]), wrappedKey: wrapped, secret: native, kdfHash: kdfHash,
                    kdfCipher: kdfCipher, fingerprint: key.fingerprint)
            else { return nil }
            return SessionKeyBlock.decode(block)
        default:
            return nil
        }
    }
}
