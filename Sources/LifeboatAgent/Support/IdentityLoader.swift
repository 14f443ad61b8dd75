import LifeboatCrypto

/// Loads the secret key for a restore from outside the host.
package enum IdentityLoader {
    package static func load(path: String, passphraseFile: String?) throws -> OpenPGPSecretKey {
        try KeyLoading.identity(path: path, passphraseFile: passphraseFile)
    }
}
