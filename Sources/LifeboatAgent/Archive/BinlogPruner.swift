import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// Retention for archived binary logs: a log is kept while a dump that is not yet purged may need it
/// (its sequence is at or after that dump's position), so logs follow their dumps through the same
/// lazy deletion (a dump that can still be undeleted keeps its logs); older ones are removed from every
/// destination (the manifest first, so a half-removed log is never taken for a whole one) and forgotten.
struct BinlogPruner {
    let ctx: AgentContext

    /// The archived logs no dump still held needs; none while no such dump names a position.
    static func unneeded(_ archived: [ArchivedBinlog], dumps: [BackupRecord]) -> [ArchivedBinlog] {
        guard let first = BinlogArchiver.firstNeeded(dumps.filter { $0.retention != .purged }) else { return [] }
        return archived.filter { $0.sequence < first }
    }

    /// Removes what `unneeded` names; returns one line per log removed or failed.
    func prune(_ policy: Policy) async -> (lines: [String], failed: Bool) {
        guard policy.binlog != nil else { return ([], false) }
        var lines: [String] = []
        do {
            let archived = try ctx.catalog.archivedBinlogs(policy: policy.name)
            let gone = Self.unneeded(
                archived, dumps: try ctx.catalog.backups(policy: policy.name, includeRemoved: true))
            guard !gone.isEmpty else { return ([], false) }
            let destinations = try policy.destinations.map { try DestinationFactory.make($0) }
            for log in gone {
                let prefix = BinlogManifest.prefix(host: ctx.agent.host, policy: policy.name, name: log.name)
                for destination in destinations {
                    try await removeIfThere(destination, prefix + "manifest.json")
                    for key in try await destination.list(prefix: prefix) { try await removeIfThere(destination, key) }
                }
                try ctx.catalog.forgetBinlogs(policy: policy.name, before: log.sequence + 1)
                lines.append("\(policy.name) binlog \(log.name) removed (no kept dump needs it)")
            }
            return (lines, false)
        } catch {
            lines.append("\(policy.name) binlog pruning failed: \(BinlogArchiver.text(error))")
            return (lines, true)
        }
    }

    func removeIfThere(_ destination: Destination, _ key: String) async throws {
        do {
            try await destination.remove(key)
        } catch let e as StorageError where e.isNotFound {}
    }
}
