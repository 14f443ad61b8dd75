import Foundation
import LifeboatCore
import LifeboatTestSupport

@testable import LifeboatCrypto

/// Keys made once by real gpg and shared by every test in this target (RSA generation is the slow part).
final class GnuPGFixture: Sendable {
    let home: GnuPGHome
    let rsa: String
    let curve: String
    let curveProtected: String
    let rsaProtected: String
    let other: String
    static let passphrase = "correct horse battery"

    private init() throws {
        home = try GnuPGHome()
        rsa = try home.generateRSA(name: "Rsa", bits: 3072)
        curve = try home.generateCurve25519(name: "Curve")
        curveProtected = try home.generateCurve25519(name: "CurvePw", passphrase: Self.passphrase)
        rsaProtected = try home.generateRSA(name: "RsaPw", bits: 2048, passphrase: Self.passphrase)
        other = try home.generateCurve25519(name: "Other")
    }

    private static let made: Result<GnuPGFixture, any Error> = Result { try GnuPGFixture() }

    static func shared() throws -> GnuPGFixture { try made.get() }

    func publicKey(_ fpr: String, armor: Bool = true) throws -> OpenPGPPublicKey {
        try OpenPGPPublicKey(bytes: try home.exportPublic(fpr, armor: armor))
    }

    func secretKey(_ fpr: String, passphrase: String? = nil) throws -> OpenPGPSecretKey {
        try OpenPGPSecretKey(bytes: try home.exportSecret(fpr, passphrase: passphrase), passphrase: passphrase)
    }
}

/// Helpers shared by the tests.
enum TestData {
    /// Deterministic, incompressible-looking bytes.
    static func bytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            let v = rng.next()
            for k in 0..<min(8, count - i) { out[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
            i += 8
        }
        return out
    }

    static func encrypt(
        _ plaintext: [UInt8], to keys: [OpenPGPPublicKey], chunkPower: Int = 20,
        slice: Int = 65536
    ) throws -> [UInt8] {
        let sink = MemorySink()
        let enc = try OpenPGPEncryptor(recipients: keys, output: sink, chunkPower: chunkPower)
        try enc.write(plaintext, inSlicesOf: slice)
        try enc.finish()
        return sink.bytes
    }
}
