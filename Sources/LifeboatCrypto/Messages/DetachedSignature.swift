import Foundation
import LifeboatCore

/// Checks a detached OpenPGP signature (as `gpg --detach-sign` writes it, armored or binary) over some
/// bytes against a list of trusted signers.
///
/// Both the signature and the bytes come from a destination, so both are hostile: the signature's size,
/// packets and fields are bounded and checked before any use, and every refusal says why in one line.
package enum DetachedSignature {
    /// A signature file larger than this is refused unread.
    package static let maximumSize = 64 * 1024
    /// How far ahead of the reader's clock a signature's creation time may be.
    package static let allowedClockSkew = ClockSkew.allowed

    /// Who made a signature that checked out, and when.
    package struct Verified: Sendable, Equatable {
        package let signer: String
        package let created: Date
    }

    /// Verifies `signature` over `data`; returns the signer, or throws `.badSignature` saying why not.
    package static func verify(
        signature: [UInt8], data: [UInt8], trusted: [OpenPGPVerifyingKey], now: Date = Date()
    ) throws -> Verified {
        let sig = try parse(signature)
        guard sig.type == SignatureType.binaryDocument else {
            throw CryptoError(.badSignature, "signature type \(sig.type) is not a binary document signature")
        }
        guard let hash = HashAlgorithm(rawValue: sig.hashAlgorithm), [.sha256, .sha384, .sha512].contains(hash) else {
            throw CryptoError(
                .badSignature, "signature hash algorithm \(sig.hashAlgorithm) is not accepted (sha256 or stronger)")
        }
        guard let createdRaw = sig.hashedTime(SubpacketType.creationTime) else {
            throw CryptoError(.badSignature, "signature has no creation time")
        }
        let created = Date(timeIntervalSince1970: TimeInterval(createdRaw))
        guard created.timeIntervalSince(now) <= allowedClockSkew else {
            throw CryptoError(.badSignature, "signature is dated \(Timestamp.iso8601(created)), in the future")
        }
        if let seconds = sig.hashedTime(SubpacketType.signatureExpiration), seconds != 0,
            UInt64(createdRaw) + UInt64(seconds) <= UInt64(now.timeIntervalSince1970)
        {
            throw CryptoError(.badSignature, "signature expired")
        }
        let issuer =
            sig.issuerFingerprint.map(Bytes.upperHex) ?? sig.issuerKeyID.map(Bytes.upperHex) ?? "an unnamed key"
        guard let key = trusted.first(where: { sig.names(issuer: $0.primary) }) else {
            throw CryptoError(.badSignature, "signed by \(issuer), which is not a trusted signer")
        }
        guard try sig.verify(signer: key.primary, prefix: data) else {
            throw CryptoError(
                .badSignature, "bad signature (by \(key.fingerprint)): the manifest or its signature was altered")
        }
        if key.revoked { throw CryptoError(.badSignature, "signed by \(key.fingerprint), which is revoked") }
        if let expires = key.expires, created >= expires {
            throw CryptoError(
                .badSignature, "signed by \(key.fingerprint) after it expired on \(Timestamp.iso8601(expires))")
        }
        return Verified(signer: key.fingerprint, created: created)
    }

    /// The one signature packet of a detached signature file.
    static func parse(_ bytes: [UInt8]) throws -> SignaturePacket {
        guard !bytes.isEmpty else { throw CryptoError(.badSignature, "signature is empty") }
        guard bytes.count <= maximumSize else {
            throw CryptoError(.badSignature, "signature is \(bytes.count) bytes, over the \(maximumSize) allowed")
        }
        let binary: [UInt8]
        if Armor.looksArmored(bytes) {
            let (label, data) = try Armor.decode(bytes, kind: .badSignature)
            guard label == Armor.Block.signature.rawValue else {
                throw CryptoError(.badSignature, "armor holds a \(label), not a PGP SIGNATURE")
            }
            binary = data
        } else {
            binary = bytes
        }
        let packets = try PacketReader.packets(binary, kind: .badSignature, what: "signature")
        guard packets.count == 1, let packet = packets.first, packet.tag == PacketTag.signature else {
            throw CryptoError(.badSignature, "is not one signature packet (\(packets.count) packets)")
        }
        guard let sig = try SignaturePacket.parse(packet.body, kind: .badSignature) else {
            throw CryptoError(.badSignature, "signature version is not 4")
        }
        return sig
    }

}

extension SignaturePacket {
    /// The issuer fingerprint subpacket's fingerprint (v4), hashed or not.
    var issuerFingerprint: [UInt8]? {
        guard let d = (hashed + unhashed).first(where: { $0.type == SubpacketType.issuerFingerprint })?.data,
            d.count == 21, d[0] == 4
        else { return nil }
        return Array(d[1...])
    }

    var issuerKeyID: [UInt8]? {
        (hashed + unhashed).first(where: { $0.type == SubpacketType.issuer && $0.data.count == 8 })?.data
    }

    /// Whether the signature names `key` as its issuer; a signature that names no issuer names nobody.
    func names(issuer key: KeyPacket) -> Bool {
        if let fpr = issuerFingerprint { return fpr == key.fingerprint }
        if let id = issuerKeyID { return id == key.keyID }
        return false
    }
}
