import COpenSSL
import Foundation

/// Which kind of key pair `OpenPGPKeygen` makes.
package enum OpenPGPKeyAlgorithm: Sendable {
    /// An ed25519 primary (certify, sign) with a cv25519 encryption subkey: small and fast.
    case curve25519
    /// An RSA-4096 primary (certify, sign) with an RSA-4096 encryption subkey: for sites that require RSA.
    case rsa4096
}

/// Makes OpenPGP key pairs that `gpg --import` accepts, so operators can create backup keys without GnuPG.
///
/// Run it off the backup host: only the public half belongs there.
package enum OpenPGPKeygen {
    /// The S2K count byte for protected keys: 0xFF, 65011712 bytes hashed, the most OpenPGP can code.
    static let s2kCount: UInt8 = 0xFF

    package static func generate(
        name: String, email: String?, passphrase: String?, algorithm: OpenPGPKeyAlgorithm, now: Date = Date()
    ) throws -> (publicArmored: String, secretArmored: String, fingerprint: String) {
        let created = UInt32(clamping: Int64(now.timeIntervalSince1970))
        let primary: GeneratedKey
        let subkey: GeneratedKey
        switch algorithm {
        case .curve25519:
            primary = try GeneratedKey.ed25519(created: created)
            subkey = try GeneratedKey.cv25519(created: created)
        case .rsa4096:
            primary = try GeneratedKey.rsa(bits: 4096, created: created, algorithm: PublicKeyAlgorithm.rsa)
            subkey = try GeneratedKey.rsa(bits: 4096, created: created, algorithm: PublicKeyAlgorithm.rsa)
        }
        guard let signer = primary.signing else { throw CryptoError(.library, "primary key cannot sign") }
        let uid = Array((email.map { name.isEmpty ? "<\($0)>" : "\(name) <\($0)>" } ?? name).utf8)
        guard !uid.isEmpty else { throw CryptoError(.badKey, "a key needs a name or an email address") }
        let issuerFingerprint: (UInt8, [UInt8]) = (SubpacketType.issuerFingerprint, [4] + primary.key.fingerprint)
        let creation: (UInt8, [UInt8]) = (SubpacketType.creationTime, Bytes.u32(created))
        let issuer: [(UInt8, [UInt8])] = [(SubpacketType.issuer, primary.key.keyID)]
        let certification = try SignaturePacket.build(
            type: SignatureType.positiveCertification, signer: primary.key, signerSecret: signer,
            prefix: primary.key.hashPrefix + [0xB4] + Bytes.u32(UInt32(uid.count)) + uid,
            hashed: [
                issuerFingerprint, creation, (SubpacketType.keyFlags, [0x03]),
                (SubpacketType.preferredSymmetric, [9, 8, 7]), (SubpacketType.preferredHash, [10, 8]),
                // Uncompressed only: gpg then encrypts to this key without compression, which Lifeboat reads.
                (SubpacketType.preferredCompression, [0]),
                (SubpacketType.features, [0x01]), (SubpacketType.keyServerPreferences, [0x80]),
            ],
            unhashed: issuer)
        let binding = try SignaturePacket.build(
            type: SignatureType.subkeyBinding, signer: primary.key, signerSecret: signer,
            prefix: primary.key.hashPrefix + subkey.key.hashPrefix,
            hashed: [issuerFingerprint, creation, (SubpacketType.keyFlags, [0x0C])], unhashed: issuer)
        let sigs = (
            PacketWriter.packet(tag: PacketTag.userID, body: uid)
                + PacketWriter.packet(tag: PacketTag.signature, body: certification),
            PacketWriter.packet(tag: PacketTag.signature, body: binding)
        )
        let publicBytes =
            PacketWriter.packet(tag: PacketTag.publicKey, body: primary.key.publicBody) + sigs.0
            + PacketWriter.packet(tag: PacketTag.publicSubkey, body: subkey.key.publicBody) + sigs.1
        let secretBytes =
            PacketWriter.packet(
                tag: PacketTag.secretKey, body: primary.key.publicBody + (try protect(primary.secretMPIs, passphrase)))
            + sigs.0
            + PacketWriter.packet(
                tag: PacketTag.secretSubkey, body: subkey.key.publicBody + (try protect(subkey.secretMPIs, passphrase)))
            + sigs.1
        // Check our own work the way a recipient's host will: it must validate and pick the new subkey.
        let check = try OpenPGPPublicKey(bytes: publicBytes, now: now)
        guard check.encryptionKeyFingerprint == subkey.key.fingerprintHex else {
            throw CryptoError(.library, "generated key does not validate")
        }
        return (
            Armor.encode(publicBytes, block: .publicKey), Armor.encode(secretBytes, block: .privateKey),
            primary.key.fingerprintHex
        )
    }

    /// The secret part of a key packet: plain with a checksum, or S2K usage 254 with AES-256 and SHA-256.
    static func protect(_ mpis: [UInt8], _ passphrase: String?) throws -> [UInt8] {
        guard let passphrase else { return [0] + mpis + Bytes.u16(SessionKeyBlock.checksum(mpis)) }
        let s2k = S2K(kind: .iterated, hash: .sha256, salt: try LibCrypto.randomBytes(8), codedCount: s2kCount)
        let cipher = SymmetricAlgorithm.aes256
        let key = s2k.deriveKey(passphrase: Array(passphrase.utf8), length: cipher.keyLength)
        let iv = try LibCrypto.randomBytes(SymmetricAlgorithm.blockSize)
        let sealed = try CFBCipher(cipher, key: key, iv: iv, encrypt: true).update(
            mpis + HashAlgorithm.digest(.sha1, mpis))
        return [254, cipher.rawValue] + s2k.encoded + iv + sealed
    }
}

/// A freshly generated key: its public packet, its secret MPIs, and how it signs.
struct GeneratedKey {
    let key: KeyPacket
    let secretMPIs: [UInt8]
    /// How the key signs; nil for an encryption-only key.
    let signing: SigningSecret?

    static func ed25519(created: UInt32) throws -> GeneratedKey {
        let pkey = try PKey.generate(type: lifeboat_pkey_ed25519())
        let seed = try pkey.rawPrivateKey()
        let pub = try pkey.rawPublicKey()
        let body =
            [4] + Bytes.u32(created) + [PublicKeyAlgorithm.eddsa, UInt8(PublicKeyAlgorithm.ed25519OID.count)]
            + PublicKeyAlgorithm.ed25519OID + Bytes.mpi([0x40] + pub)
        return GeneratedKey(
            key: try KeyPacket.parse(body: body, kind: .library), secretMPIs: Bytes.mpi(seed),
            signing: .ed25519(seed: seed))
    }

    static func cv25519(created: UInt32) throws -> GeneratedKey {
        let secret = try X25519.generateSecret()
        let pub = try X25519.publicKey(secret: secret)
        let body =
            [4] + Bytes.u32(created) + [PublicKeyAlgorithm.ecdh, UInt8(PublicKeyAlgorithm.curve25519OID.count)]
            + PublicKeyAlgorithm.curve25519OID + Bytes.mpi([0x40] + pub)
            + [3, 1, HashAlgorithm.sha256.rawValue, SymmetricAlgorithm.aes128.rawValue]
        return GeneratedKey(
            key: try KeyPacket.parse(body: body, kind: .library),
            secretMPIs: Bytes.mpi(secret.reversed()), signing: nil)
    }

    static func rsa(bits: Int, created: UInt32, algorithm: UInt8) throws -> GeneratedKey {
        let pkey = try RSA.generate(bits: bits)
        let c = try RSA.openPGPComponents(pkey)
        let body = [4] + Bytes.u32(created) + [algorithm] + Bytes.mpi(c.n) + Bytes.mpi(c.e)
        return GeneratedKey(
            key: try KeyPacket.parse(body: body, kind: .library),
            secretMPIs: Bytes.mpi(c.d) + Bytes.mpi(c.p) + Bytes.mpi(c.q) + Bytes.mpi(c.u),
            signing: .rsa(pkey))
    }
}
