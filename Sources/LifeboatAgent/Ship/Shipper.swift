import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// Ships a spooled backup to each of its policy's destinations: every chunk first, the manifest last,
/// each destination on its own, recording each copy's outcome in the catalog. The spool is emptied
/// only when every destination holds the backup.
struct Shipper {
    let ctx: AgentContext

    func ship(id: String, policy: Policy) async throws {
        guard let record = try ctx.catalog.backup(id: id) else { return }
        let chunks = try ctx.catalog.chunks(id: id)
        let manifest = try ManifestBuilder.build(record: record, chunks: chunks)
        let spoolDir = ctx.spoolDirectory(policy: policy.name, id: id)
        let prefix = ctx.objectPrefix(host: record.host, policy: record.policy, id: id)
        for spec in policy.destinations {
            guard let copy = record.copies.first(where: { $0.destination == spec.name }), copy.status != .shipped else {
                continue
            }
            do {
                let destination = try DestinationFactory.make(spec)
                for chunk in chunks {
                    try await destination.put(prefix + chunk.name, fromFile: "\(spoolDir)/\(chunk.name)")
                }
                try await destination.put(prefix + "manifest.json", bytes: manifest)
                try ctx.catalog.recordCopy(id: id, destination: spec.name, shipped: true, error: nil, at: ctx.now())
                ctx.logger.info("\(policy.name): \(id) shipped to \(spec.name)")
            } catch {
                ctx.logger.error("\(policy.name): \(id) could not be shipped to \(spec.name): \(error)")
                try ctx.catalog.recordCopy(
                    id: id, destination: spec.name, shipped: false, error: String(describing: error), at: ctx.now())
            }
        }
        if try ctx.catalog.backup(id: id)?.status == .complete {
            try? FileManager.default.removeItem(atPath: spoolDir)
        }
    }
}

/// Builds the manifest a destination stores beside a backup's chunks.
enum ManifestBuilder {
    static func build(record: BackupRecord, chunks: [Manifest.Chunk]) throws -> [UInt8] {
        let manifest = Manifest(
            host: record.host, policy: record.policy, kind: record.kind, id: record.id,
            started: Timestamp.iso8601(record.started), finished: Timestamp.iso8601(record.finished ?? Date()),
            payload: record.payload, recipients: record.recipients, bytesIn: record.bytesIn,
            bytesOut: record.bytesOut, lockWindowMs: record.lockWindowMs, chunks: chunks)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(manifest)) + [0x0a]
    }
}
