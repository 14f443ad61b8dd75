import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto

/// Loads a policy's recipients' public keys; a bad or secret key file is a bad-input error (exit 65).
enum KeyLoading {
    /// The message names the policy file that lists the key, then the key file and what is wrong.
    static func recipients(of policy: Policy) throws -> [OpenPGPPublicKey] {
        try policy.recipients.map { path in
            do {
                return try OpenPGPPublicKey.load(contentsOf: path)
            } catch let e as CryptoError {
                let what = "encryption.recipients: " + Self.named(e.description, path)
                if e.isBadInput { throw LifeboatError.badInput(policy.file, line: policy.recipientLines[path], what) }
                throw LifeboatError.failed("\(policy.file): \(what)")
            }
        }
    }

    static func identity(path: String, passphraseFile: String?) throws -> OpenPGPSecretKey {
        var passphrase: String?
        if let f = passphraseFile {
            guard let text = try? String(contentsOfFile: f, encoding: .utf8) else {
                throw LifeboatError.badInput(f, "cannot read the passphrase file")
            }
            passphrase = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        do {
            return try OpenPGPSecretKey.load(contentsOf: path, passphrase: passphrase)
        } catch let e as CryptoError {
            if e.isBadInput { throw LifeboatError(.badInput, Self.named(e.description, path)) }
            throw LifeboatError.failed(Self.named(e.description, path))
        }
    }

    static func named(_ message: String, _ path: String) -> String {
        message.contains(path) ? message : "\(path): \(message)"
    }
}
