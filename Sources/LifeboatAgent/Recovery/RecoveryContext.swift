import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage
import Logging
import Synchronization

/// What the recovery host's commands (`fleet`, `drill`, `plan`) need: its config, its drill catalog,
/// the destinations to read, the keys it trusts, a logger and the clock. It holds the fleet's secret
/// keys, so it loads them only when a drill asks, never for `fleet` or `plan`.
package final class RecoveryContext: Sendable {
    package let config: RecoveryConfig
    package let catalog: RecoveryCatalog
    package let logger: Logger
    /// What the running drill has done so far, for a progress line on a terminal.
    package let progress = ProgressMeter()
    package let now: @Sendable () -> Date
    /// The destinations, each with its retries, in the config's order.
    package let destinations: [Destination]
    /// The public keys whose signatures are believed (the config's `trusted_signers`).
    package let signers: [OpenPGPVerifyingKey]

    package init(
        config: RecoveryConfig, catalog: RecoveryCatalog, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.config = config
        self.catalog = catalog
        self.logger = logger
        self.now = now
        destinations = try config.destinations.map(DestinationFactory.make)
        let at = now()
        signers = try config.trustedSigners.map { path in
            do {
                return try OpenPGPVerifyingKey.load(contentsOf: path, now: at)
            } catch let e as CryptoError {
                throw LifeboatError(.badInput, KeyLoading.named(e.description, path))
            }
        }
    }

    private let cachedIdentities = Mutex<[OpenPGPSecretKey]?>(nil)

    /// The secret keys drills decrypt with, loaded (and unlocked) once per process.
    package func identities() throws -> [OpenPGPSecretKey] {
        try cachedIdentities.withLock { cached in
            if let keys = cached { return keys }
            let keys = try config.identities.map {
                try IdentityLoader.load(path: $0.key, passphraseFile: $0.passphraseFile)
            }
            cached = keys
            return keys
        }
    }

    /// The destination spec behind `destinations[i]`, for failure domains and messages.
    package func spec(named name: String) -> DestinationSpec? {
        config.destinations.first { $0.name == name }
    }
}
