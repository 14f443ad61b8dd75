import LifeboatDigest
import Testing

@Suite("published digest vectors")
struct DigestVectorTests {
    static func bytes(hex: String) -> [UInt8] {
        let chars = Array(hex.utf8)
        return stride(from: 0, to: chars.count, by: 2).map {
            UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16) ?? 0
        }
    }

    /// FIPS 180-2 appendix B (one- and two-block messages) and the empty message.
    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ])
    func sha256(message: String, digest: String) {
        #expect(Digest.hex(Digest.sha256(message)) == digest)
        #expect(SHA256Hasher.digest(Array(message.utf8)).hexString == digest)
    }

    @Test func sha256MatchesThePublishedVector() {
        #expect(
            SHA256Hasher.digest(Array("abc".utf8)).hexString
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func emptySHA256IsTheDigestOfNothing() {
        #expect(Digest.hex(Digest.sha256([])) == Digest.emptySHA256)
    }

    /// FIPS 180-2 appendix B.3: one million "a", fed in uneven pieces through the streaming hasher.
    @Test func sha256StreamsAMillionAs() {
        var hasher = Digest.SHA256()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 999)
        var left = 1_000_000
        while left > 0 {
            let n = min(left, piece.count)
            piece.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            left -= n
        }
        let digest = hasher.finalize().hexString
        #expect(digest == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// RFC 4231 test cases 1, 2 and 3.
    @Test(arguments: [
        (
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", String(repeating: "dd", count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
    ])
    func hmacSHA256(key: String, data: String, mac: String) {
        #expect(Digest.hmacSHA256(key: Self.bytes(hex: key), Self.bytes(hex: data)).hexString == mac)
    }

    /// FIPS 180-2 "abc" for SHA-1 and SHA-512 through the any-algorithm hasher OpenPGP uses.
    @Test func digestHasherOverOtherAlgorithms() {
        let sha1 = DigestHasher(.sha1)
        sha1.update(Array("ab".utf8))
        sha1.update(Array("c".utf8)[...])
        #expect(sha1.finalize().hexString == "a9993e364706816aba3e25717850c26c9cd0d89d")
        let sha512 = DigestHasher(.sha512)
        sha512.update(Array("abc".utf8))
        #expect(
            sha512.finalize().hexString == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
    }

    /// The background hasher gives the same digest as hashing in line, across recycled buffers and small copies.
    @Test func asyncHasherMatchesInlineHashing() {
        let hasher = AsyncHasher(.sha256, bufferSize: 4096, buffers: 2)
        var inline = SHA256Hasher()
        for round in 0..<10 {
            let buffer = hasher.takeBuffer()
            let count = 1000 + round * 300
            for i in 0..<count {
                buffer.pointer.storeBytes(
                    of: UInt8(truncatingIfNeeded: i &* 31 &+ round), toByteOffset: i, as: UInt8.self)
            }
            hasher.hash(buffer, 0..<count)
            inline.update(buffer.bytes(0..<count))
            hasher.recycle(buffer)
            hasher.hash([UInt8(round)])
            inline.update([UInt8(round)])
        }
        let background = hasher.finalize()
        let inLine = inline.finalize()
        #expect(background == inLine)
    }
}
