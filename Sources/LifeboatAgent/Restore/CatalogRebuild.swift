import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// Rebuilds the catalog from the manifests at each policy's destinations: on a new host after a
/// disaster the catalog is gone, but every backup describes itself, so restore can start from there.
public struct CatalogRebuild {
    public let ctx: AgentContext

    public init(_ ctx: AgentContext) { self.ctx = ctx }

    /// Counts for one policy.
    public struct Outcome: Sendable {
        public var policy: String
        public var added = 0
        public var copies = 0
        public var problems: [String] = []
    }

    /// Scans `<host>/<policy>/` at every destination of each policy. `host` defaults to this host's name:
    /// name the old host to take over its backups.
    public func run(policies: [Policy], host: String? = nil) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for policy in policies {
            var outcome = Outcome(policy: policy.name)
            let prefix = "\(host ?? ctx.agent.host)/\(policy.name)/"
            for spec in policy.destinations {
                do {
                    let destination = try DestinationFactory.make(spec)
                    let keys = try await destination.list(prefix: prefix).filter { $0.hasSuffix("/manifest.json") }
                    for key in keys.sorted() {
                        do {
                            let bytes = try await destination.readAll(key)
                            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
                            guard manifest.policy == policy.name, BackupID(manifest.id) != nil,
                                key == prefix + manifest.id + "/manifest.json"
                            else {
                                outcome.problems.append("\(spec.name): \(key) does not describe a backup of \(policy.name)")
                                continue
                            }
                            switch try ctx.catalog.importManifest(
                                manifest, destination: spec.name, destinations: policy.destinations.map(\.name),
                                at: ctx.now())
                            {
                            case .added: outcome.added += 1
                            case .copyRecorded: outcome.copies += 1
                            case .known: break
                            }
                        } catch let e as DecodingError {
                            outcome.problems.append("\(spec.name): \(key) is not a readable manifest: \(e)")
                        }
                    }
                } catch let e as StorageError {
                    outcome.problems.append(e.description)
                }
            }
            outcomes.append(outcome)
        }
        return outcomes
    }
}
