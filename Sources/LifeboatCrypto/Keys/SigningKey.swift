import COpenSSL
import Foundation

/// A backup host's own OpenPGP signing key (Ed25519, v4): it signs every manifest the host writes, so a
/// reader can tell "this host made this backup" from "someone put this here".
///
/// It can sign and never decrypt: a key file that also holds a decryption key is refused, so whoever
/// takes the host can forge new backups from then on but reads nothing old.
package struct OpenPGPSigningKey: Sendable {
    let primary: KeyPacket
    let seed: [UInt8]
    /// The key's packets with the secret part left out: what `publicArmored` exports.
    let publicPackets: [Packet]
    /// When the key expires, nil for never.
    package let expires: Date?

    /// The primary key fingerprint, 40 uppercase hex digits.
    package var fingerprint: String { primary.fingerprintHex }

    /// The public half, armored, as `gpg --import` and `trusted_signers` read it.
    package var publicArmored: String {
        Armor.encode(publicPackets.flatMap { PacketWriter.packet(tag: $0.tag, body: $0.body) }, block: .publicKey)
    }

    /// The public half as a reader holds it, to check this key's own signatures.
    package var verifyingKey: OpenPGPVerifyingKey {
        OpenPGPVerifyingKey(primary: primary, userIDs: [], expires: expires, revoked: false)
    }

    /// Makes a new key: an Ed25519 primary that may certify and sign, with one user id and no subkey.
    /// Returns the key and its secret file's text (unprotected: the host signs unattended).
    package static func generate(userID: String, now: Date = Date()) throws -> (
        key: OpenPGPSigningKey, secretArmored: String
    ) {
        let created = UInt32(clamping: Int64(now.timeIntervalSince1970))
        let primary = try GeneratedKey.ed25519(created: created)
        guard let signer = primary.signing else { throw CryptoError(.library, "ed25519 key cannot sign") }
        let uid = Array(userID.utf8)
        guard !uid.isEmpty else { throw CryptoError(.badKey, "a signing key needs a user id") }
        let certification = try SignaturePacket.build(
            type: SignatureType.positiveCertification, signer: primary.key, signerSecret: signer,
            prefix: primary.key.hashPrefix + [0xB4] + Bytes.u32(UInt32(uid.count)) + uid,
            hashed: [
                (SubpacketType.issuerFingerprint, [4] + primary.key.fingerprint),
                (SubpacketType.creationTime, Bytes.u32(created)), (SubpacketType.keyFlags, [0x03]),
                (SubpacketType.preferredHash, [10, 8]), (SubpacketType.features, [0x01]),
            ],
            unhashed: [(SubpacketType.issuer, primary.key.keyID)])
        let secretBytes =
            PacketWriter.packet(
                tag: PacketTag.secretKey,
                body: primary.key.publicBody + (try OpenPGPKeygen.protect(primary.secretMPIs, nil)))
            + PacketWriter.packet(tag: PacketTag.userID, body: uid)
            + PacketWriter.packet(tag: PacketTag.signature, body: certification)
        let key = try OpenPGPSigningKey(bytes: secretBytes, now: now)
        return (key, Armor.encode(secretBytes, block: .privateKey))
    }

    /// Loads a key file written by `generate` (or `gpg --export-secret-keys` of an unprotected Ed25519 key);
    /// errors start with the file name.
    package static func load(contentsOf path: String, now: Date = Date()) throws -> OpenPGPSigningKey {
        try KeyFile.load(path) { try OpenPGPSigningKey(bytes: $0, now: now) }
    }

    init(bytes: [UInt8], now: Date) throws {
        let (data, _) = try KeyFile.binary(bytes)
        let packets = try PacketReader.packets(data, kind: .badKey, what: "key")
        let block = try KeyBlock.parse(packets)
        guard let secretPart = block.primarySecretPart else {
            throw CryptoError(.badKey, "holds no secret key: a signing key file holds the secret half")
        }
        guard case .ed25519(let publicKey) = block.primary.material else {
            throw CryptoError(
                .badKey,
                "is not an ed25519 signing key (primary algorithm \(PublicKeyAlgorithm.name(block.primary.algorithm)))")
        }
        if block.subkeys.contains(where: { $0.secretPart != nil && $0.key.canEncrypt }) {
            throw CryptoError(.badKey, "holds a decryption key: a host signing key must only sign")
        }
        let validator = KeyValidator(block: block, now: UInt32(clamping: Int64(now.timeIntervalSince1970)))
        let state = try validator.primaryState()
        if let flags = state.selfSignature.keyFlags, flags & 0x02 == 0 {
            throw CryptoError(.badKey, "key \(block.primary.fingerprintHex) is not allowed to sign (key flags)")
        }
        var reader = ByteReader(secretPart, kind: .badKey, what: "secret key packet")
        guard try reader.u8() == 0 else {
            throw CryptoError(
                .badKey,
                "signing key is protected by a passphrase: the host signs unattended, so keep it unprotected (mode 0600)"
            )
        }
        var plain = reader.rest()
        guard plain.count >= 2 else { throw reader.truncated() }
        let sum = Int(plain[plain.count - 2]) << 8 | Int(plain[plain.count - 1])
        plain.removeLast(2)
        guard sum == SessionKeyBlock.checksum(plain) else {
            throw CryptoError(.badKey, "secret key is corrupted (checksum mismatch)")
        }
        var mpis = ByteReader(plain, kind: .badKey, what: "secret key material")
        guard let seed = Bytes.leftPad(try mpis.mpi(), to: 32),
            try PKey.rawPrivate(type: lifeboat_pkey_ed25519(), seed).rawPublicKey() == publicKey
        else { throw CryptoError(.badKey, "ed25519 secret key does not match its public key") }
        primary = block.primary
        self.seed = seed
        expires = state.expires.map { Date(timeIntervalSince1970: TimeInterval($0)) }
        publicPackets = packets.compactMap { packet in
            switch packet.tag {
            case PacketTag.secretKey: Packet(tag: PacketTag.publicKey, body: block.primary.publicBody)
            case PacketTag.secretSubkey, PacketTag.trust: nil
            default: packet
            }
        }
    }

    /// A detached signature over `data` (signature type 0x00, binary document, SHA-512), armored:
    /// `gpg --verify data.sig data` checks it with this key's public half.
    package func sign(_ data: [UInt8], now: Date = Date()) throws -> [UInt8] {
        let created = UInt32(clamping: Int64(now.timeIntervalSince1970))
        let body = try SignaturePacket.build(
            type: SignatureType.binaryDocument, signer: primary, signerSecret: .ed25519(seed: seed), prefix: data,
            hashed: [
                (SubpacketType.issuerFingerprint, [4] + primary.fingerprint),
                (SubpacketType.creationTime, Bytes.u32(created)),
            ],
            unhashed: [(SubpacketType.issuer, primary.keyID)])
        return Array(Armor.encode(PacketWriter.packet(tag: PacketTag.signature, body: body), block: .signature).utf8)
    }
}
