import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatCrypto

/// Random and mutated input for every parser: it must fail with a CryptoError, never crash or hang.
@Suite("fuzzing the parsers")
struct FuzzTests {
    let fixture: GnuPGFixture
    init() throws { fixture = try GnuPGFixture.shared() }

    static func mutate(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var out = input
        let edits = 1 + Int(rng.next() % 4)
        for _ in 0..<edits {
            guard !out.isEmpty else { return [UInt8(truncatingIfNeeded: rng.next())] }
            let at = Int(rng.next() % UInt64(out.count))
            switch rng.next() % 6 {
            case 0: out[at] ^= UInt8(1 << (rng.next() % 8))
            case 1: out[at] = UInt8(truncatingIfNeeded: rng.next())
            case 2: out.removeSubrange(at..<min(out.count, at + 1 + Int(rng.next() % 16)))
            case 3:
                out.insert(
                    contentsOf: (0..<1 + Int(rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at
                )
            case 4: out = Array(out.prefix(at))
            default: out[at] = [0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xE0][Int(rng.next() % 6)]
            }
        }
        return out
    }

    static func random(_ rng: inout SeededGenerator, max: Int) -> [UInt8] {
        let count = Int(rng.next() % UInt64(max))
        var out = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        // Often start like a packet so the parsers get past the first byte.
        if !out.isEmpty, rng.next() % 2 == 0 {
            out[0] = [0x99, 0xC6, 0x95, 0xC5, 0xC1, 0x84, 0xD2][Int(rng.next() % 7)]
        }
        return out
    }

    /// Runs `body`, accepting success or a CryptoError; anything else is recorded.
    static func tolerate(_ what: String, _ body: () throws -> Void) {
        do { try body() } catch is CryptoError {} catch { Issue.record("\(what): unexpected error \(error)") }
    }

    @Test func publicKeys() throws {
        var rng = SeededGenerator(seed: 11)
        let seeds = [
            try fixture.home.exportPublic(fixture.curve, armor: false),
            try fixture.home.exportPublic(fixture.rsa, armor: false),
            try fixture.home.exportPublic(fixture.curve, armor: true),
        ]
        for i in 0..<2500 {
            let input = i % 5 == 0 ? Self.random(&rng, max: 700) : Self.mutate(seeds[i % seeds.count], &rng)
            Self.tolerate("public key \(i)") { _ = try OpenPGPPublicKey(bytes: input) }
        }
    }

    @Test func secretKeys() throws {
        var rng = SeededGenerator(seed: 12)
        let plain = try fixture.home.gpg(["--export-secret-keys", fixture.curve]).stdout
        let rsa = try fixture.home.gpg(["--export-secret-keys", fixture.rsa]).stdout
        for i in 0..<1500 {
            let input = i % 5 == 0 ? Self.random(&rng, max: 700) : Self.mutate(i % 2 == 0 ? plain : rsa, &rng)
            Self.tolerate("secret key \(i)") { _ = try OpenPGPSecretKey(bytes: input, passphrase: "x") }
        }
        let protected = try fixture.home.gpg([
            "--pinentry-mode", "loopback", "--passphrase", GnuPGFixture.passphrase,
            "--export-secret-keys", fixture.curveProtected,
        ]).stdout
        for i in 0..<20 {
            let input = Self.mutate(protected, &rng)
            Self.tolerate("protected key \(i)") {
                _ = try OpenPGPSecretKey(bytes: input, passphrase: GnuPGFixture.passphrase)
            }
        }
    }

    @Test func messages() throws {
        var rng = SeededGenerator(seed: 13)
        let keys = [try fixture.secretKey(fixture.curve), try fixture.secretKey(fixture.rsa)]
        let ours = try TestData.encrypt(TestData.bytes(3000), to: [try fixture.publicKey(fixture.curve)], chunkPower: 9)
        let theirs = try fixture.home.encrypt(TestData.bytes(2000), to: [fixture.rsa])
        let armored = try fixture.home.encrypt(TestData.bytes(500), to: [fixture.curve], armor: true)
        let seeds = [ours, theirs, armored]
        for i in 0..<2500 {
            let input = i % 5 == 0 ? Self.random(&rng, max: 2000) : Self.mutate(seeds[i % seeds.count], &rng)
            let slice = 1 + Int(rng.next() % 3000)
            let (sink, error) = lifeboatDecrypt(input, keys: keys, slice: slice)
            if let error, !(error is CryptoError) { Issue.record("message \(i): unexpected error \(error)") }
            if error != nil { #expect(!sink.finished) }
        }
    }

    @Test func armorText() throws {
        var rng = SeededGenerator(seed: 14)
        let text = Array(Armor.encode(TestData.bytes(300), block: .publicKey).utf8)
        for i in 0..<2000 {
            let input = Self.mutate(text, &rng)
            Self.tolerate("armor \(i)") { _ = try Armor.decode(input, kind: .badKey) }
        }
    }
}
