import LifeboatCore
import LifeboatCrypto

/// Maps the library error types to the documented exit codes, for the command line.
public enum ErrorClassifier {
    public static func exitCode(_ error: Error) -> Int32 {
        switch error {
        case let e as LifeboatError: return e.exitCode
        case let e as CryptoError: return e.isBadInput ? 65 : 1
        default: return 1
        }
    }
}


/// Loads the secret key for a restore from outside the host.
public enum IdentityLoader {
    public static func load(path: String, passphraseFile: String?) throws -> OpenPGPSecretKey {
        try KeyLoading.identity(path: path, passphraseFile: passphraseFile)
    }
}
