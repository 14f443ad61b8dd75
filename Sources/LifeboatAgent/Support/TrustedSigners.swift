import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto

/// The keys whose signatures a reader accepts: the config's `trusted_signers`, any `--signer FILE`,
/// and, on a backup host, its own signing key (read, never made, by a reader).
package enum TrustedSigners {
    package static func load(_ ctx: AgentContext, extra: [String] = []) throws -> [OpenPGPVerifyingKey] {
        try load(agent: ctx.agent, now: ctx.now(), extra: extra)
    }

    /// The same, from the config alone (for a command that opens no catalog).
    package static func load(agent: AgentConfig, now: Date, extra: [String] = []) throws -> [OpenPGPVerifyingKey] {
        var keys = try (agent.trustedSigners + extra).map { path -> OpenPGPVerifyingKey in
            do {
                return try OpenPGPVerifyingKey.load(contentsOf: path, now: now)
            } catch let e as CryptoError {
                throw LifeboatError(.badInput, KeyLoading.named(e.description, path))
            }
        }
        if let own = try HostSigningKey.load(path: agent.signingKey) { keys.append(own.verifyingKey) }
        return keys
    }
}
