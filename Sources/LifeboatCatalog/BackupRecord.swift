import Foundation
import GRDB
import LifeboatCore

/// One backup as the catalog knows it, with the state of its copy at each destination.
public struct BackupRecord: Sendable, Equatable {
    /// Progress of the backup itself and of its shipping.
    public typealias Status = BackupStatus

    /// Where the backup stands in lazy deletion.
    public typealias Retention = RetentionState

    /// The state of one destination's copy.
    public struct Copy: Sendable, Equatable {
        public typealias Status = CopyStatus
        public var destination: DestinationName
        public var status: Status
        public var error: String?
    }

    public var id: BackupID
    public var policy: String
    public var host: String
    public var kind: String
    public var payload: String
    public var status: Status
    public var retention: Retention
    public var started: Date
    public var finished: Date?
    public var bytesIn: Int64
    public var bytesOut: Int64
    public var chunkCount: Int
    public var lockWindowMs: Int64?
    /// Entries of a file tree left out because they vanished or could not be read.
    public var skipped: Int
    public var recipients: [String]
    public var error: String?
    public var copies: [Copy]

    /// The status the contract shows: a retention state once pruned, the shipping state before.
    public var displayStatus: String {
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
        error = row["error"]
        self.copies = copies
    }
}
