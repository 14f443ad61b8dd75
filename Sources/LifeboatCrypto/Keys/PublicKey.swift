import Foundation

/// A recipient's OpenPGP public key, validated, with the encryption subkey Lifeboat will encrypt to.
///
/// It exists so the host can hold public keys only: loading checks self-signatures, binding signatures,
/// expiry and revocation, and refuses any file that carries secret key material.
package struct OpenPGPPublicKey: Sendable {
    let primary: KeyPacket
    let encryptionKey: KeyPacket

    /// The primary key fingerprint, 40 uppercase hex digits.
    package var fingerprint: String { primary.fingerprintHex }
    /// The fingerprint of the subkey (or primary) that messages are encrypted to.
    package var encryptionKeyFingerprint: String { encryptionKey.fingerprintHex }
    /// The 16-hex-digit key id that PKESK packets name.
    package var encryptionKeyID: String { encryptionKey.keyIDHex }
    /// User ids with a valid self-signature, as UTF-8 text.
    package let userIDs: [String]
    /// When encrypting to this key stops working (the primary's or the encryption subkey's expiry), nil for never.
    package let expires: Date?

    /// Loads an armored or binary key as `gpg --export` writes it; errors start with the file name.
    package static func load(contentsOf path: String, now: Date = Date()) throws -> OpenPGPPublicKey {
        try KeyFile.load(path) { try OpenPGPPublicKey(bytes: $0, now: now) }
    }

    package init(bytes: [UInt8]) throws {
        try self.init(bytes: bytes, now: Date())
    }

    init(bytes: [UInt8], now: Date) throws {
        let (data, armoredPrivate) = try KeyFile.binary(bytes)
        if armoredPrivate { throw Self.secretRefusal }
        let packets = try PacketReader.packets(data, kind: .badKey, what: "key")
        if packets.contains(where: { $0.tag == PacketTag.secretKey || $0.tag == PacketTag.secretSubkey }) {
            throw Self.secretRefusal
        }
        let block = try KeyBlock.parse(packets)
        let validated = try KeyValidator(block: block, now: UInt32(clamping: Int64(now.timeIntervalSince1970)))
            .validate()
        primary = block.primary
        encryptionKey = validated.encryptionKey
        userIDs = validated.userIDs
        expires = validated.expires.map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    static let secretRefusal = CryptoError(
        .secretKeyOnHost, "holds secret key material; the host must hold public keys only")
}

/// Decides whether a key may be encrypted to, and to which of its keys, by checking every signature that matters.
struct KeyValidator {
    let block: KeyBlock
    let now: UInt32

    /// What the primary key's own signatures say: its valid user ids, newest self-signature and expiry.
    struct PrimaryState {
        let userIDs: [String]
        let selfSignature: SignaturePacket
        /// When the primary key expires (seconds since 1970), nil for never; it may lie in the past.
        let expires: UInt32?
    }

    /// Checks the primary key: supported algorithm, not revoked, at least one valid self-signed user id.
    /// Expiry is reported, not refused, so callers can tell "expires soon" from "expired".
    func primaryState() throws -> PrimaryState {
        let primary = block.primary
        switch primary.material {
        case .rsa, .ed25519: break
        default:
            throw CryptoError(
                .badKey, "primary key algorithm \(PublicKeyAlgorithm.name(primary.algorithm)) is not supported")
        }
        if let bits = primary.rsaBits, bits < 2048 {
            throw CryptoError(.badKey, "rsa primary key of \(bits) bits is too weak")
        }
        let id = primary.fingerprintHex
        if try isRevoked() { throw CryptoError(.badKey, "key \(id) is revoked") }
        // User ids: the newest valid self-certification of each, unless revoked.
        var userIDs: [String] = []
        var selfSignatures: [SignaturePacket] = []
        for uid in block.userIDs {
            let prefix = primary.hashPrefix + uid.hashPrefix
            var best: SignaturePacket?
            var revoked = false
            for sig in uid.signatures where sig.mayBeIssued(by: primary) {
                if SignatureType.positiveCertificationRange.contains(sig.type) {
                    guard try sig.verify(signer: primary, prefix: prefix), !expired(signature: sig) else { continue }
                    if best.map({ sig.creationTime >= $0.creationTime }) ?? true { best = sig }
                } else if sig.type == SignatureType.certificationRevocation {
                    if try sig.verify(signer: primary, prefix: prefix) { revoked = true }
                }
            }
            guard let sig = best, !revoked else { continue }
            selfSignatures.append(sig)
            userIDs.append(String(decoding: uid.text, as: UTF8.self))
        }
        guard let newestSelf = selfSignatures.max(by: { $0.creationTime < $1.creationTime }) else {
            throw CryptoError(.badKey, "key \(id) has no user id with a valid self-signature")
        }
        return PrimaryState(userIDs: userIDs, selfSignature: newestSelf, expires: expiryTime(primary, newestSelf))
    }

    /// Whether the primary key carries a valid revocation signature of its own.
    func isRevoked() throws -> Bool {
        let primary = block.primary
        for sig in block.directSignatures where sig.type == SignatureType.keyRevocation {
            if try sig.verify(signer: primary, prefix: primary.hashPrefix) { return true }
        }
        return false
    }

    func validate() throws -> (encryptionKey: KeyPacket, userIDs: [String], expires: UInt32?) {
        let primary = block.primary
        let id = primary.fingerprintHex
        let state = try primaryState()
        let newestSelf = state.selfSignature
        let userIDs = state.userIDs
        if let expiry = keyExpiry(primary, newestSelf) { throw CryptoError(.badKey, "key \(id) expired on \(expiry)") }

        var candidates: [(key: KeyPacket, expires: UInt32?)] = []
        var problems: [String] = []
        for sub in block.subkeys {
            let prefix = primary.hashPrefix + sub.key.hashPrefix
            let subID = sub.key.fingerprintHex
            var binding: SignaturePacket?
            var revoked = false
            var sawBinding = false
            for sig in sub.signatures where sig.mayBeIssued(by: primary) {
                if sig.type == SignatureType.subkeyBinding {
                    sawBinding = true
                    guard try sig.verify(signer: primary, prefix: prefix), !expired(signature: sig) else { continue }
                    if binding.map({ sig.creationTime >= $0.creationTime }) ?? true { binding = sig }
                } else if sig.type == SignatureType.subkeyRevocation, try sig.verify(signer: primary, prefix: prefix) {
                    revoked = true
                }
            }
            guard let sig = binding else {
                if sawBinding { problems.append("subkey \(subID) has an invalid binding signature") }
                continue
            }
            let flags = sig.keyFlags ?? (sub.key.canEncrypt ? 0x0C : 0)
            guard flags & 0x0C != 0 else { continue }
            if revoked {
                problems.append("subkey \(subID) is revoked")
                continue
            }
            if let expiry = keyExpiry(sub.key, sig) {
                problems.append("subkey \(subID) expired on \(expiry)")
                continue
            }
            guard sub.key.canEncrypt else {
                problems.append(
                    "subkey \(subID) uses an unsupported algorithm (\(PublicKeyAlgorithm.name(sub.key.algorithm)))")
                continue
            }
            if let bits = sub.key.rsaBits, bits < 2048 {
                problems.append("subkey \(subID): rsa of \(bits) bits is too weak")
                continue
            }
            candidates.append((sub.key, expiryTime(sub.key, sig)))
        }
        if let newest = candidates.max(by: { $0.key.created < $1.key.created }) {
            let ends = [state.expires, newest.expires].compactMap { $0 }.min()
            return (newest.key, userIDs, ends)
        }
        // An RSA primary may itself be the encryption key when its self-signature allows it.
        if primary.canEncrypt, (newestSelf.keyFlags ?? 0x0C) & 0x0C != 0 { return (primary, userIDs, state.expires) }
        let detail = problems.isEmpty ? "" : ": " + problems.joined(separator: "; ")
        throw CryptoError(.badKey, "key \(id) has no usable encryption subkey\(detail)")
    }

    private func expired(signature: SignaturePacket) -> Bool {
        guard let seconds = signature.hashedTime(SubpacketType.signatureExpiration), seconds != 0 else { return false }
        return UInt64(signature.creationTime) + UInt64(seconds) <= UInt64(now)
    }

    /// When the key expires according to `sig` (seconds since 1970), nil for never.
    func expiryTime(_ key: KeyPacket, _ sig: SignaturePacket) -> UInt32? {
        guard let seconds = sig.hashedTime(SubpacketType.keyExpiration), seconds != 0 else { return nil }
        return UInt32(clamping: UInt64(key.created) + UInt64(seconds))
    }

    /// The expiry date as text when the key has expired, else nil.
    private func keyExpiry(_ key: KeyPacket, _ sig: SignaturePacket) -> String? {
        guard let end = expiryTime(key, sig), end <= now else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(end)))
    }
}
