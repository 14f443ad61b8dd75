import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import Logging
import Synchronization

/// What every use case needs: the loaded configuration, the catalog, a logger and the clock.
///
/// The clock is injected so decisions (due-ness, retention, RPO status) can be tested without sleeping.
package final class AgentContext: Sendable {
    package let configuration: Configuration
    package let catalog: Catalog
    package let logger: Logger
    package let now: @Sendable () -> Date
    /// What the running operation has done so far, for a progress line on a terminal.
    package let progress = ProgressMeter()

    package init(
        configuration: Configuration, catalog: Catalog, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.catalog = catalog
        self.logger = logger
        self.now = now
    }

    package var agent: AgentConfig { configuration.agent }

    private let cachedSigningKey = Mutex<OpenPGPSigningKey?>(nil)

    /// The host's signing key, loaded (or made) once per process, the first time a manifest is signed.
    package func signingKey() throws -> OpenPGPSigningKey {
        try cachedSigningKey.withLock { cached in
            if let key = cached { return key }
            let key = try HostSigningKey.loadOrCreate(path: agent.signingKey, host: agent.host, logger: logger)
            cached = key
            return key
        }
    }

    /// The spool folder of one backup.
    func spoolDirectory(policy: String, id: BackupID) -> String {
        "\(agent.spool)/\(policy)/\(id)"
    }

    /// The object key prefix of one backup at any destination: `<host>/<policy>/<id>/`.
    func objectPrefix(host: String, policy: String, id: BackupID) -> String {
        "\(host)/\(policy)/\(id)/"
    }
}
