import Foundation

/// A trusted signer's OpenPGP public key: whose signatures a reader accepts on a backup's manifest.
///
/// It exists so readers (restore, verify, rebuild-catalog, the recovery host) trust a backup only
/// when a key they were given made it. Only the primary key signs here, as on the hosts' own keys and
/// on keys `gpg --quick-gen-key` makes; a revoked key still loads, so signatures by it can be
/// refused with a reason rather than the whole reader failing.
package struct OpenPGPVerifyingKey: Sendable {
    let primary: KeyPacket
    /// User ids with a valid self-signature, as UTF-8 text.
    package let userIDs: [String]
    /// When the key expires, nil for never.
    package let expires: Date?
    /// Whether the key carries a valid revocation of its own.
    package let revoked: Bool

    /// The primary key fingerprint, 40 uppercase hex digits.
    package var fingerprint: String { primary.fingerprintHex }

    init(primary: KeyPacket, userIDs: [String], expires: Date?, revoked: Bool) {
        self.primary = primary
        self.userIDs = userIDs
        self.expires = expires
        self.revoked = revoked
    }

    /// Loads an armored or binary public key; errors start with the file name.
    package static func load(contentsOf path: String, now: Date = Date()) throws -> OpenPGPVerifyingKey {
        try KeyFile.load(path) { try OpenPGPVerifyingKey(bytes: $0, now: now) }
    }

    package init(bytes: [UInt8], now: Date = Date()) throws {
        let (data, armoredPrivate) = try KeyFile.binary(bytes)
        let packets = try PacketReader.packets(data, kind: .badKey, what: "key")
        if armoredPrivate
            || packets.contains(where: { $0.tag == PacketTag.secretKey || $0.tag == PacketTag.secretSubkey })
        {
            throw CryptoError(
                .secretKeyOnHost, "holds secret key material; a trusted signer is given by its public key")
        }
        let block = try KeyBlock.parse(packets)
        switch block.primary.material {
        case .ed25519: break
        case .rsa where block.primary.algorithm != PublicKeyAlgorithm.rsaEncryptOnly: break
        default:
            throw CryptoError(
                .badKey,
                "primary key algorithm \(PublicKeyAlgorithm.name(block.primary.algorithm)) cannot sign here (ed25519 or rsa)"
            )
        }
        try self.init(block: block, now: now)
    }

    private init(block: KeyBlock, now: Date) throws {
        let validator = KeyValidator(block: block, now: UInt32(clamping: Int64(now.timeIntervalSince1970)))
        let revoked = try validator.isRevoked()
        // A revoked key has no usable self-signature to read; it is kept, marked, so its signatures are refused by name.
        if revoked {
            self.init(primary: block.primary, userIDs: [], expires: nil, revoked: true)
            return
        }
        let state = try validator.primaryState()
        if let flags = state.selfSignature.keyFlags, flags & 0x02 == 0 {
            throw CryptoError(.badKey, "key \(block.primary.fingerprintHex) is not allowed to sign (key flags)")
        }
        self.init(
            primary: block.primary, userIDs: state.userIDs,
            expires: state.expires.map { Date(timeIntervalSince1970: TimeInterval($0)) }, revoked: false)
    }
}
