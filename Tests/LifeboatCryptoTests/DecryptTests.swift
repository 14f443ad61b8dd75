import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatCrypto

/// Feeds `message` to a decryptor in slices of `slice` bytes; returns the sink (finished or not) and the error.
func lifeboatDecrypt(_ message: [UInt8], keys: [OpenPGPSecretKey], slice: Int = 4096) -> (MemorySink, Error?) {
    let sink = MemorySink()
    let dec = OpenPGPDecryptor(keys: keys, output: sink)
    do {
        try dec.write(message, inSlicesOf: slice)
        try dec.finish()
        return (sink, nil)
    } catch {
        return (sink, error)
    }
}

@Suite("decryption of what gpg and lifeboat encrypt")
struct DecryptTests {
    let fixture: GnuPGFixture
    init() throws { fixture = try GnuPGFixture.shared() }

    @Test(arguments: [false, true])
    func gpgToUnprotectedKeys(armor: Bool) throws {
        let plaintext = TestData.bytes(200_000, seed: 7)
        for fpr in [fixture.rsa, fixture.curve] {
            let message = try fixture.home.encrypt(plaintext, to: [fpr], armor: armor)
            let (sink, error) = lifeboatDecrypt(message, keys: [try fixture.secretKey(fpr)], slice: 1000)
            #expect(error == nil, "\(String(describing: error))")
            #expect(sink.finished)
            #expect(sink.bytes == plaintext)
        }
    }

    @Test func gpgToProtectedKeys() throws {
        let plaintext = TestData.bytes(5000, seed: 8)
        for fpr in [fixture.rsaProtected, fixture.curveProtected] {
            let message = try fixture.home.encrypt(plaintext, to: [fpr])
            let key = try fixture.secretKey(fpr, passphrase: GnuPGFixture.passphrase)
            let (sink, error) = lifeboatDecrypt(message, keys: [key])
            #expect(error == nil, "\(String(describing: error))")
            #expect(sink.finished && sink.bytes == plaintext)
        }
    }

    @Test func ownMessagesRoundTrip() throws {
        let keys = [try fixture.publicKey(fixture.curve), try fixture.publicKey(fixture.rsa)]
        for size in [0, 1, 511, 512, 513, 100_000] {
            let plaintext = TestData.bytes(size, seed: UInt64(size))
            let message = try TestData.encrypt(plaintext, to: keys, chunkPower: 9)
            for fpr in [fixture.curve, fixture.rsa] {
                for slice in [1, 7, 70_000] where !(slice == 1 && size > 1000) {
                    let (sink, error) = lifeboatDecrypt(message, keys: [try fixture.secretKey(fpr)], slice: slice)
                    #expect(error == nil, "\(String(describing: error))")
                    #expect(sink.finished && sink.bytes == plaintext, "size \(size) slice \(slice)")
                }
            }
        }
    }
}
