import Foundation
import LifeboatTestSupport
import Testing

@testable import LifeboatCrypto

func hex(_ s: String) -> [UInt8] {
    let chars = Array(s.replacingOccurrences(of: " ", with: "").utf8)
    return stride(from: 0, to: chars.count, by: 2).compactMap {
        UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16)
    }
}

@Suite("published test vectors")
struct VectorTests {
    /// RFC 3394 section 4: 4.1, 4.2, 4.3, 4.6.
    @Test(arguments: [
        (
            "000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
            "1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5"
        ),
        (
            "000102030405060708090A0B0C0D0E0F1011121314151617", "00112233445566778899AABBCCDDEEFF",
            "96778B25AE6CA435 F92B5B97C050AED2 468AB8A17AD84E5D"
        ),
        (
            "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF",
            "64E8C3F9CE0F5BA2 63E9777905818A2A 93C8191E7D6E8AE7"
        ),
        (
            "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
            "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
            "28C9F404C4B810F4 CBCCB35CFB87F826 3F5786E2D80ED326 CBC7F0E71A99F43B FB988B9B7A02DD21"
        ),
    ])
    func aesKeyWrap(kek: String, key: String, wrapped: String) throws {
        #expect(try AESKeyWrap.wrap(kek: hex(kek), plaintext: hex(key)) == hex(wrapped))
        #expect(try AESKeyWrap.unwrap(kek: hex(kek), ciphertext: hex(wrapped)) == hex(key))
        var bad = hex(wrapped)
        bad[5] ^= 1
        #expect(try AESKeyWrap.unwrap(kek: hex(kek), ciphertext: bad) == nil)
    }

    /// RFC 7748 section 5.2 (first vector) and section 6.1 (Alice and Bob), through the wrapper.
    @Test func x25519() throws {
        let out = try X25519.sharedSecret(
            secret: hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
            peer: hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))
        #expect(out == hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"))
        let alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
        let bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
        #expect(
            try X25519.publicKey(secret: alice)
                == hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"))
        #expect(
            try X25519.publicKey(secret: bob) == hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        )
        let shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        #expect(try X25519.sharedSecret(secret: alice, peer: try X25519.publicKey(secret: bob)) == shared)
        // GnuPG stores the scalar as a big-endian MPI: the native bytes reversed.
        #expect(Curve25519ECDH.nativeSecret(fromMPI: Array(alice.reversed())) == alice)
    }

    /// RFC 8032 section 7.1, test 1 (empty message).
    @Test func ed25519() throws {
        let seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let pub = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let sig = hex(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        )
        let (r, s) = try Ed25519.sign(seed: seed, digest: [])
        #expect(r + s == sig)
        #expect(try Ed25519.verify(publicKey: pub, digest: [], r: Array(sig[0..<32]), s: Array(sig[32...])))
        #expect(try !Ed25519.verify(publicKey: pub, digest: [0], r: Array(sig[0..<32]), s: Array(sig[32...])))
    }

    /// RFC 4880 6.1: the CRC-24 starts at 0xB704CE; armor round-trips and catches corruption.
    @Test func armor() throws {
        #expect(CRC24.compute([]) == 0xB704CE)
        for size in [0, 1, 2, 3, 47, 48, 49, 1000] {
            let data = TestData.bytes(size, seed: UInt64(size))
            let text = Armor.encode(data, block: .message)
            let decoded = try Armor.decode(Array(text.utf8), kind: .badKey)
            #expect(decoded.label == "PGP MESSAGE" && decoded.data == data)
        }
        var text = Array(Armor.encode(TestData.bytes(100), block: .publicKey).utf8)
        text[40] = text[40] == 0x41 ? 0x42 : 0x41
        #expect(throws: CryptoError.self) { try Armor.decode(text, kind: .badKey) }
    }

    /// The S2K count coding of RFC 4880 3.7.1.3, and that the count is read, not assumed.
    @Test func s2kCount() throws {
        #expect(S2K(kind: .iterated, hash: .sha1, salt: [], codedCount: 0xFF).count == 65_011_712)
        #expect(S2K(kind: .iterated, hash: .sha1, salt: [], codedCount: 0x60).count == 65536)
        #expect(S2K(kind: .iterated, hash: .sha1, salt: [], codedCount: 0).count == 1024)
        // Iterated over fewer bytes than one salt+passphrase still hashes it whole.
        let s2k = S2K(kind: .iterated, hash: .sha256, salt: Array(repeating: 1, count: 8), codedCount: 0)
        let once = S2K(kind: .salted, hash: .sha256, salt: Array(repeating: 1, count: 8), codedCount: 0)
        let long = Array(repeating: UInt8(0x61), count: 2000)
        #expect(s2k.deriveKey(passphrase: long, length: 32) == once.deriveKey(passphrase: long, length: 32))
        // Keys longer than the digest use preloaded contexts: the second part differs from the first.
        let k = once.deriveKey(passphrase: [1, 2, 3], length: 40)
        #expect(k.count == 40 && Array(k[0..<8]) != Array(k[32..<40]))
    }

    /// The ECB-based CFB decryptor must match libcrypto's CFB for any slicing.
    @Test func fastCFBMatchesCFB() throws {
        var rng = SeededGenerator(seed: 77)
        for alg in [SymmetricAlgorithm.aes128, .aes192, .aes256] {
            let key = TestData.bytes(alg.keyLength, seed: rng.next())
            let iv = TestData.bytes(16, seed: rng.next())
            let plain = TestData.bytes(5000, seed: rng.next())
            let cipher = try CFBCipher(alg, key: key, iv: iv, encrypt: true).update(plain)
            for _ in 0..<20 {
                let fast = try FastCFBDecryptor(alg, key: key, iv: iv)
                var out = [UInt8](repeating: 0, count: cipher.count)
                var offset = 0
                while offset < cipher.count {
                    let n = min(cipher.count - offset, 1 + Int(rng.next() % 100) * (rng.next() % 4 == 0 ? 37 : 1))
                    try cipher.withUnsafeBytes { c in
                        try out.withUnsafeMutableBytes { o in
                            guard let cb = c.baseAddress, let ob = o.baseAddress else { return }
                            try fast.decrypt(cb + offset, ob + offset, count: n)
                        }
                    }
                    offset += n
                }
                #expect(out == plain)
            }
        }
    }
}
