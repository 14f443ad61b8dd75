import Foundation
import GRDB
import LifeboatCore

/// One backup as the catalog knows it, with the state of its copy at each destination.
package struct BackupRecord: Sendable, Equatable {
    /// Progress of the backup itself and of its shipping.
    package typealias Status = BackupStatus

    /// Where the backup stands in lazy deletion.
    package typealias Retention = RetentionState

    /// The state of one destination's copy.
    package struct Copy: Sendable, Equatable {
        package typealias Status = CopyStatus
        package var destination: DestinationName
        package var status: Status
        package var error: String?
    }

    package var id: BackupID
    package var policy: String
    package var host: String
    package var kind: String
    package var payload: String
    package var status: Status
    package var retention: Retention
    package var started: Date
    package var finished: Date?
    package var bytesIn: Int64
    package var bytesOut: Int64
    package var chunkCount: Int
    package var lockWindowMs: Int64?
    /// Entries of a file tree left out because they vanished or could not be read.
    package var skipped: Int
    package var recipients: [String]
    /// SHA-256 of the plaintext inside the gzip; nil for backups made before it was recorded.
    package var payloadSHA256: String?
    /// How the payload was compressed.
    package var compression: CompressionAlgorithm
    /// The WAL range of a physical PostgreSQL base backup; nil for every other payload.
    package var wal: BaseBackupWAL?
    package var error: String?
    package var copies: [Copy]
    /// Kept by prune whatever retention says (set by `undelete`, cleared by `undelete --unpin`).
    package var pinned: Bool
    /// The binary log position a mariadb dump is consistent with; nil for other backups.
    package var binlogPosition: BinlogPosition?

    /// The status the contract shows: a retention state once pruned, the shipping state before.
    package var displayStatus: String {
        retention == .live ? status.rawValue : retention.rawValue
    }

    init(row: Row, copies: [Copy]) {
        id = row["id"]
        policy = row["policy"]
        host = row["host"]
        kind = row["kind"]
        payload = row["payload"]
        status = Status(rawValue: row["status"]) ?? .failed
        retention = Retention(rawValue: row["retention"]) ?? .live
        started = Date(timeIntervalSince1970: row["started"])
        finished = (row["finished"] as Double?).map { Date(timeIntervalSince1970: $0) }
        bytesIn = row["bytes_in"]
        bytesOut = row["bytes_out"]
        chunkCount = row["chunk_count"]
        lockWindowMs = row["lock_window_ms"]
        skipped = row["skipped"] ?? 0
        let r: String = row["recipients"]
        recipients = r.split(separator: ",").map(String.init)
        payloadSHA256 = row["payload_sha256"]
        compression = (row["compression"] as String?).flatMap(CompressionAlgorithm.init(rawValue:)) ?? .gzip
        wal = CatalogWALRange.read(row)
        error = row["error"]
        pinned = (row["pinned"] as Int? ?? 0) != 0
        if let file = row["binlog_file"] as String?, let position = row["binlog_position"] as Int64? {
            binlogPosition = BinlogPosition(file: file, position: position)
        }
        self.copies = copies
    }
}
