import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatCrypto

@Suite("keygen keys work in gpg")
struct KeygenTests {
    @Test(
        arguments: [(OpenPGPKeyAlgorithm.curve25519, nil), (.curve25519, "s3cret pass"), (.rsa4096, "rsa pass")]
            as [(OpenPGPKeyAlgorithm, String?)])
    func gpgImportsAndDecrypts(algorithm: OpenPGPKeyAlgorithm, passphrase: String?) throws {
        let generated = try OpenPGPKeygen.generate(
            name: "Backup Key", email: "backup@example.invalid",
            passphrase: passphrase, algorithm: algorithm)
        let publicKey = try OpenPGPPublicKey(bytes: Array(generated.publicArmored.utf8))
        #expect(publicKey.fingerprint == generated.fingerprint)
        #expect(publicKey.userIDs == ["Backup Key <backup@example.invalid>"])
        let secret = try OpenPGPSecretKey(bytes: Array(generated.secretArmored.utf8), passphrase: passphrase)
        #expect(secret.fingerprint == generated.fingerprint)

        let home = try GnuPGHome()
        defer { home.stop() }
        try home.importKey(Array(generated.publicArmored.utf8))
        try home.importKey(Array(generated.secretArmored.utf8), passphrase: passphrase)
        let listing = try home.gpg(["--with-colons", "--list-secret-keys"]).stdoutText
        #expect(listing.contains(generated.fingerprint))

        // gpg decrypts what Lifeboat encrypts to the generated key.
        let plaintext = TestData.bytes(70_000, seed: 42)
        let message = try TestData.encrypt(plaintext, to: [publicKey])
        let result = try home.decrypt(message, passphrase: passphrase)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == plaintext)

        // gpg encrypts to it with its default settings: the key's "uncompressed" preference keeps
        // gpg from compressing, so Lifeboat reads it.
        let fromGPG = try home.gpg(
            ["--trust-model", "always", "--encrypt", "-r", generated.fingerprint],
            stdin: plaintext
        ).stdout
        let (sink, error) = lifeboatDecrypt(fromGPG, keys: [secret])
        #expect(error == nil, "\(String(describing: error))")
        #expect(sink.finished && sink.bytes == plaintext)

        if passphrase != nil {
            #expect(throws: CryptoError.self) {
                _ = try OpenPGPSecretKey(bytes: Array(generated.secretArmored.utf8), passphrase: "wrong")
            }
        }
    }
}
