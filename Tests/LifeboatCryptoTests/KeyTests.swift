import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatCrypto

/// Builds keys packet by packet, so tests can make the bad ones gpg will not: forged, expired, revoked.
enum KeyForge {
    struct Parts {
        let primary: GeneratedKey
        let subkey: GeneratedKey
        let uid: [UInt8] = Array("Forge <forge@example.invalid>".utf8)
        let created: UInt32
    }

    static func parts(created: UInt32 = 1_700_000_000) throws -> Parts {
        Parts(primary: try .ed25519(created: created), subkey: try .cv25519(created: created), created: created)
    }

    static func signature(
        _ p: Parts, type: UInt8, over subkey: KeyPacket? = nil,
        extra: [(UInt8, [UInt8])] = []
    ) throws -> [UInt8] {
        guard let signer = p.primary.signing else { throw CryptoError(.library, "no signer") }
        let prefix =
            subkey.map { p.primary.key.hashPrefix + $0.hashPrefix }
            ?? p.primary.key.hashPrefix + [0xB4] + Bytes.u32(UInt32(p.uid.count)) + p.uid
        return try SignaturePacket.build(
            type: type, signer: p.primary.key, signerSecret: signer, prefix: prefix,
            hashed: [(SubpacketType.creationTime, Bytes.u32(p.created))] + extra,
            unhashed: [(SubpacketType.issuer, p.primary.key.keyID)])
    }

    static func packet(_ tag: Int, _ body: [UInt8]) -> [UInt8] { PacketWriter.packet(tag: tag, body: body) }

    /// A public key whose subkey part is given by `subkeyPackets`.
    static func key(_ p: Parts, subkeyPackets: [UInt8]) throws -> [UInt8] {
        packet(PacketTag.publicKey, p.primary.key.publicBody) + packet(PacketTag.userID, p.uid)
            + packet(PacketTag.signature, try signature(p, type: 0x13, extra: [(SubpacketType.keyFlags, [0x03])]))
            + subkeyPackets
    }

    static func binding(_ p: Parts, flags: UInt8 = 0x0C, extra: [(UInt8, [UInt8])] = []) throws -> [UInt8] {
        packet(
            PacketTag.signature,
            try signature(
                p, type: 0x18, over: p.subkey.key,
                extra: [(SubpacketType.keyFlags, [flags])] + extra))
    }
}

@Suite("public and secret key files")
struct KeyTests {
    let fixture: GnuPGFixture
    init() throws { fixture = try GnuPGFixture.shared() }

    @Test func fingerprintsMatchGnuPG() throws {
        for fpr in [fixture.rsa, fixture.curve] {
            let listing = try fixture.home.gpg(["--with-colons", "--list-keys", fpr]).stdoutText
            let fprs = listing.split(separator: "\n").filter { $0.hasPrefix("fpr:") }
                .map { String($0.split(separator: ":", omittingEmptySubsequences: false)[9]) }
            for armor in [true, false] {
                let key = try fixture.publicKey(fpr, armor: armor)
                #expect(key.fingerprint == fpr)
                #expect(fprs.count == 2 && key.encryptionKeyFingerprint == fprs[1])
                #expect(key.userIDs.count == 1)
            }
        }
        let secret = try fixture.secretKey(fixture.curve)
        #expect(secret.fingerprint == fixture.curve)
    }

    @Test func secretKeyAsRecipientIsRefused() throws {
        let dir = try TemporaryDirectory()
        let armored = try fixture.home.exportSecret(fixture.curve)
        let binary = try fixture.home.gpg(["--export-secret-keys", fixture.rsa]).stdout
        for (name, bytes) in [("ops.sec.asc", armored), ("ops.sec.gpg", binary)] {
            try Data(bytes).write(to: URL(fileURLWithPath: dir.file(name)))
            let error = #expect(throws: CryptoError.self) { try OpenPGPPublicKey.load(contentsOf: dir.file(name)) }
            #expect(error?.kind == .secretKeyOnHost)
            #expect(error?.isBadInput == true)
            #expect(
                error?.message == "\(dir.file(name)): holds secret key material; the host must hold public keys only")
        }
    }

    @Test func swappedSubkeyIsRefused() throws {
        let p = try KeyForge.parts()
        let good = try KeyForge.key(
            p,
            subkeyPackets: KeyForge.packet(PacketTag.publicSubkey, p.subkey.key.publicBody)
                + KeyForge.binding(p))
        #expect(try OpenPGPPublicKey(bytes: good).encryptionKeyFingerprint == p.subkey.key.fingerprintHex)

        // An attacker's subkey under the victim's binding signature.
        let attacker = try GeneratedKey.cv25519(created: p.created)
        let swapped = try KeyForge.key(
            p,
            subkeyPackets: KeyForge.packet(PacketTag.publicSubkey, attacker.key.publicBody)
                + KeyForge.binding(p))
        let e1 = #expect(throws: CryptoError.self) { try OpenPGPPublicKey(bytes: swapped) }
        #expect(e1?.message.contains("invalid binding signature") == true)

        // An attacker's subkey bound by the attacker's own primary.
        let other = try KeyForge.parts()
        let foreign = try KeyForge.key(
            p,
            subkeyPackets: KeyForge.packet(PacketTag.publicSubkey, other.subkey.key.publicBody)
                + KeyForge.binding(other))
        #expect(throws: CryptoError.self) { try OpenPGPPublicKey(bytes: foreign) }

        // The real gpg key with its cv25519 subkey replaced by another gpg key's subkey.
        let victim = try PacketReader.packets(
            try fixture.home.exportPublic(fixture.curve, armor: false), kind: .badKey, what: "k")
        let donor = try PacketReader.packets(
            try fixture.home.exportPublic(fixture.other, armor: false), kind: .badKey, what: "k")
        guard let vi = victim.firstIndex(where: { $0.tag == PacketTag.publicSubkey }),
            let di = donor.firstIndex(where: { $0.tag == PacketTag.publicSubkey })
        else {
            Issue.record("no subkey")
            return
        }
        var mixed = victim
        mixed[vi] = donor[di]
        let bytes = mixed.flatMap { PacketWriter.packet(tag: $0.tag, body: $0.body) }
        let e2 = #expect(throws: CryptoError.self) { try OpenPGPPublicKey(bytes: bytes) }
        #expect(e2?.kind == .badKey)

        // A flipped byte in the binding signature value.
        var flipped = victim
        guard let si = victim.lastIndex(where: { $0.tag == PacketTag.signature }) else { return }
        var body = flipped[si].body
        body[body.count - 5] ^= 0x01
        flipped[si] = Packet(tag: PacketTag.signature, body: body)
        #expect(throws: CryptoError.self) {
            try OpenPGPPublicKey(bytes: flipped.flatMap { PacketWriter.packet(tag: $0.tag, body: $0.body) })
        }
    }

    @Test func unusableSubkeysAreRefused() throws {
        let p = try KeyForge.parts()
        let sub = KeyForge.packet(PacketTag.publicSubkey, p.subkey.key.publicBody)
        // Signing-only flags.
        #expect(throws: CryptoError.self) {
            try OpenPGPPublicKey(bytes: try KeyForge.key(p, subkeyPackets: sub + KeyForge.binding(p, flags: 0x02)))
        }
        // Expired one day after creation.
        let expiring = try KeyForge.key(
            p, subkeyPackets: sub + KeyForge.binding(p, extra: [(SubpacketType.keyExpiration, Bytes.u32(86400))]))
        let e = #expect(throws: CryptoError.self) { try OpenPGPPublicKey(bytes: expiring) }
        #expect(e?.message.contains("expired on 2023-11-15") == true, "\(String(describing: e))")
        #expect(
            try OpenPGPPublicKey(bytes: expiring, now: Date(timeIntervalSince1970: 1_700_000_100))
                .encryptionKeyFingerprint
                == p.subkey.key.fingerprintHex)
        // Revoked.
        let revocation = KeyForge.packet(PacketTag.signature, try KeyForge.signature(p, type: 0x28, over: p.subkey.key))
        let revoked = try KeyForge.key(p, subkeyPackets: sub + KeyForge.binding(p) + revocation)
        let r = #expect(throws: CryptoError.self) { try OpenPGPPublicKey(bytes: revoked) }
        #expect(r?.message.contains("revoked") == true)
        // No subkey at all (ed25519 primary cannot encrypt).
        #expect(throws: CryptoError.self) { try OpenPGPPublicKey(bytes: try KeyForge.key(p, subkeyPackets: [])) }
        // User id self-signature broken: no valid user id.
        var bytes = try KeyForge.key(p, subkeyPackets: sub + KeyForge.binding(p))
        let uidSigStart = 2 + p.primary.key.publicBody.count + 2 + p.uid.count
        bytes[uidSigStart + 12] ^= 0x40
        #expect(throws: CryptoError.self) { try OpenPGPPublicKey(bytes: bytes) }
    }

    @Test func wrongAndMissingPassphrase() throws {
        let exported = try fixture.home.exportSecret(fixture.curveProtected, passphrase: GnuPGFixture.passphrase)
        let wrong = #expect(throws: CryptoError.self) { try OpenPGPSecretKey(bytes: exported, passphrase: "not it") }
        #expect(wrong?.kind == .wrongPassphrase)
        #expect(wrong?.message.hasPrefix("wrong passphrase for secret key") == true)
        let missing = #expect(throws: CryptoError.self) { try OpenPGPSecretKey(bytes: exported, passphrase: nil) }
        #expect(missing?.message.contains("protected by a passphrase") == true)
        // The S2K parameters are read from the key (gpg calibrates the count): check them.
        let packets = try PacketReader.packets(try Armor.decode(exported, kind: .badKey).data, kind: .badKey, what: "k")
        guard let sub = packets.first(where: { $0.tag == PacketTag.secretSubkey }) else {
            Issue.record("no subkey")
            return
        }
        var reader = ByteReader(sub.body, kind: .badKey, what: "k")
        _ = try KeyPacket.parse(&reader)
        #expect(try reader.u8() == 254)
        _ = try reader.u8()
        let s2k = try S2K.parse(&reader)
        #expect(s2k.kind == .iterated && s2k.count >= 1024)
    }

    @Test func publicKeyAsIdentityAndEmptyFiles() throws {
        let pub = try fixture.home.exportPublic(fixture.curve)
        #expect(throws: CryptoError.self) { try OpenPGPSecretKey(bytes: pub, passphrase: nil) }
        #expect(throws: CryptoError.self) { try OpenPGPPublicKey(bytes: []) }
        let e = #expect(throws: CryptoError.self) { try OpenPGPPublicKey.load(contentsOf: "/nonexistent/lb.pub.asc") }
        #expect(e?.isBadInput == true && e?.message.contains("no such file") == true)
    }
}
