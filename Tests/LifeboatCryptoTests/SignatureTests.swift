import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatCrypto

/// Host signing keys and detached signatures, checked both ways against real gpg.
@Suite("detached signatures")
struct SignatureTests {
    let data = Array("{\"id\": \"20261129T083000Z-abcdef\"}\n".utf8)

    func tempFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "lbsig-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func gpgVerifiesWhatTheHostKeySigns() throws {
        let (key, secret) = try OpenPGPSigningKey.generate(userID: "lifeboat host db1")
        let signature = try key.sign(data)
        let home = try GnuPGHome()
        defer { home.stop() }
        try home.importKey(Array(key.publicArmored.utf8))
        let sigFile = try tempFile(signature)
        let dataFile = try tempFile(data)
        defer {
            unlink(sigFile)
            unlink(dataFile)
        }
        let ok = try home.gpg(["--status-fd", "1", "--verify", sigFile, dataFile], check: false)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdoutText.contains("[GNUPG:] VALIDSIG \(key.fingerprint)"))
        // One byte changed and gpg refuses it.
        var altered = data
        altered[3] ^= 1
        let badFile = try tempFile(altered)
        defer { unlink(badFile) }
        #expect(try home.gpg(["--verify", sigFile, badFile], check: false).status != 0)
        // The secret file loads back to the same key, and gpg imports it too.
        let reloaded = try OpenPGPSigningKey(bytes: Array(secret.utf8), now: Date())
        #expect(reloaded.fingerprint == key.fingerprint)
        try home.importKey(Array(secret.utf8))
        #expect(try home.gpg(["--list-secret-keys", "--with-colons"]).stdoutText.contains(key.fingerprint))
    }

    @Test func verifiesGpgDetachedSignaturesAndRefusesOthers() throws {
        let home = try GnuPGHome()
        defer { home.stop() }
        let fpr = try home.generateCurve25519(name: "Signer")
        let dataFile = try tempFile(data)
        defer { unlink(dataFile) }
        for armor in [true, false] {
            let signature = try home.gpg(
                ["--detach-sign", "--digest-algo", "SHA256", "-u", fpr] + (armor ? ["--armor"] : []),
                stdin: data
            ).stdout
            let trusted = try OpenPGPVerifyingKey(bytes: try home.exportPublic(fpr))
            let verified = try DetachedSignature.verify(signature: signature, data: data, trusted: [trusted])
            #expect(verified.signer == fpr)
            // Not trusted: another key in the list only.
            let (other, _) = try OpenPGPSigningKey.generate(userID: "other")
            let refusal = #expect(throws: CryptoError.self) {
                try DetachedSignature.verify(signature: signature, data: data, trusted: [other.verifyingKey])
            }
            #expect(refusal?.kind == .badSignature)
            #expect(refusal?.message.contains("not a trusted signer") == true)
            // Altered data.
            var altered = data
            altered[0] ^= 0x20
            let bad = #expect(throws: CryptoError.self) {
                try DetachedSignature.verify(signature: signature, data: altered, trusted: [trusted])
            }
            #expect(bad?.message.contains("bad signature") == true)
        }
        // gpg's default SHA-1 is refused as too weak.
        let sha1 = try home.gpg(["--detach-sign", "--digest-algo", "SHA1", "-u", fpr], stdin: data).stdout
        let weak = #expect(throws: CryptoError.self) {
            try DetachedSignature.verify(
                signature: sha1, data: data, trusted: [try OpenPGPVerifyingKey(bytes: try home.exportPublic(fpr))])
        }
        #expect(weak?.message.contains("hash algorithm") == true)
    }

    @Test func refusesFutureRevokedAndExpiredSigners() throws {
        let now = Date()
        let (key, _) = try OpenPGPSigningKey.generate(userID: "h")
        let future = try key.sign(data, now: now.addingTimeInterval(3600))
        let e = #expect(throws: CryptoError.self) {
            try DetachedSignature.verify(signature: future, data: data, trusted: [key.verifyingKey], now: now)
        }
        #expect(e?.message.contains("in the future") == true)

        // A key gpg revoked: it still loads as a trusted signer, and its signatures are refused by name.
        let home = try GnuPGHome()
        defer { home.stop() }
        let fpr = try home.generateCurve25519(name: "Revoked")
        let signature = try home.gpg(["--detach-sign", "--digest-algo", "SHA512", "-u", fpr], stdin: data).stdout
        // gpg keeps a revocation certificate for every key it makes, its first line guarded by a colon.
        let certificate = try String(contentsOfFile: "\(home.path)/openpgp-revocs.d/\(fpr).rev", encoding: .utf8)
            .replacingOccurrences(of: ":-----BEGIN", with: "-----BEGIN")
        try home.importKey(Array(certificate.utf8))
        let revoked = try OpenPGPVerifyingKey(bytes: try home.exportPublic(fpr))
        #expect(revoked.revoked)
        let r = #expect(throws: CryptoError.self) {
            try DetachedSignature.verify(signature: signature, data: data, trusted: [revoked])
        }
        #expect(r?.message.contains("revoked") == true)
    }

    @Test func refusesMalformedSignatures() throws {
        let (key, _) = try OpenPGPSigningKey.generate(userID: "h")
        let good = try key.sign(data)
        let cases: [[UInt8]] = [
            [], Array("-----BEGIN PGP SIGNATURE-----\n\nAAAA\n".utf8), Array(good.prefix(good.count / 2)),
            [UInt8](repeating: 0x41, count: DetachedSignature.maximumSize + 1), [0x88, 0x01, 0x04],
            Array(key.publicArmored.utf8),
        ]
        for bytes in cases {
            let e = #expect(throws: CryptoError.self) {
                try DetachedSignature.verify(signature: bytes, data: data, trusted: [key.verifyingKey])
            }
            #expect(e?.kind == .badSignature, "\(String(describing: e))")
        }
        // Random bit flips anywhere in a good signature never verify.
        var rng = SeededGenerator(seed: 13)
        for _ in 0..<300 {
            var bytes = good
            let i = Int(rng.next() % UInt64(bytes.count))
            bytes[i] ^= UInt8(1 << (rng.next() % 8))
            if bytes == good { continue }
            if let v = try? DetachedSignature.verify(signature: bytes, data: data, trusted: [key.verifyingKey]) {
                // Armor whitespace and the CRC line may change without changing the packet.
                #expect(v.signer == key.fingerprint)
                #expect(
                    try Armor.decode(bytes, kind: .badSignature).data
                        == (try Armor.decode(good, kind: .badSignature).data))
            }
        }
    }

    @Test func signingKeyFilesThatAreNotSigningKeysAreRefused() throws {
        let generated = try OpenPGPKeygen.generate(name: "ops", email: nil, passphrase: nil, algorithm: .curve25519)
        // A backup key pair's secret half can decrypt: never a host signing key.
        let e1 = #expect(throws: CryptoError.self) {
            try OpenPGPSigningKey(bytes: Array(generated.secretArmored.utf8), now: Date())
        }
        #expect(e1?.message.contains("decryption key") == true)
        let e2 = #expect(throws: CryptoError.self) {
            try OpenPGPSigningKey(bytes: Array(generated.publicArmored.utf8), now: Date())
        }
        #expect(e2?.message.contains("no secret key") == true)
        // A secret key as a trusted signer is refused; its public half is accepted.
        let (key, secret) = try OpenPGPSigningKey.generate(userID: "h")
        #expect(throws: CryptoError.self) { try OpenPGPVerifyingKey(bytes: Array(secret.utf8)) }
        #expect(try OpenPGPVerifyingKey(bytes: Array(key.publicArmored.utf8)).fingerprint == key.fingerprint)
    }
}
