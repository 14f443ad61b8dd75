import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatCrypto

@Suite("encryption that gpg decrypts")
struct EncryptTests {
    let fixture: GnuPGFixture
    init() throws { fixture = try GnuPGFixture.shared() }

    func gpgDecrypts(_ plaintext: [UInt8], to fprs: [String], chunkPower: Int = 20) throws {
        let keys = try fprs.map { try fixture.publicKey($0) }
        let message = try TestData.encrypt(plaintext, to: keys, chunkPower: chunkPower)
        let result = try fixture.home.decrypt(message)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == plaintext)
    }

    @Test func rsa3072() throws {
        try gpgDecrypts(TestData.bytes(100_000), to: [fixture.rsa])
    }

    @Test func curve25519() throws {
        try gpgDecrypts(TestData.bytes(100_000), to: [fixture.curve])
    }
}
