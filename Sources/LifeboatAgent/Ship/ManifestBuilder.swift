import Foundation
import LifeboatCatalog
import LifeboatCore

/// Builds the manifest a destination stores beside a backup's chunks.
enum ManifestBuilder {
    static func build(
        record: BackupRecord, chunks: [Manifest.Chunk], signer: String?, objectives: Manifest.Objectives?
    ) throws -> [UInt8] {
        var manifest = Manifest(
            host: record.host, policy: record.policy, kind: record.kind, id: record.id.rawValue,
            started: Timestamp.iso8601(record.started), finished: Timestamp.iso8601(record.finished ?? Date()),
            payload: record.payload, recipients: record.recipients, bytesIn: record.bytesIn,
            bytesOut: record.bytesOut, lockWindowMs: record.lockWindowMs, signer: signer, chunks: chunks)
        manifest.compression = record.compression.rawValue
        manifest.skipped = record.skipped > 0 ? record.skipped : nil
        manifest.objectives = objectives
        manifest.wal = record.wal
        manifest.binlog = record.binlogPosition
        if let sha256 = record.payloadSHA256 {
            manifest.payloadSize = record.bytesIn
            manifest.payloadSHA256 = sha256
        }
        return try DestinationJSON.encode(manifest)
    }
}
