/// The small signed object `<host>/<policy>/latest.json` that names a policy's newest complete backup
/// with its times, payload digest and objectives, so a recovery host learns a policy's state with one
/// GET instead of listing every backup, and still can when the host that wrote it is gone.
package struct LatestIndex: Codable, Sendable, Equatable {
    package static let currentFormat = 1
    /// The object's name under `<host>/<policy>/`.
    package static let objectName = "latest.json"
    /// Its detached signature, written before it.
    package static let signatureName = "latest.json.sig"
    /// A `latest.json` larger than this is refused unread (a real one is well under 8 KiB).
    package static let maximumSize = 64 << 10

    package var format: Int
    package var tool: String
    package var host: String
    package var policy: String
    package var kind: String
    /// The newest backup that every destination holds.
    package var id: String
    package var started: String
    package var finished: String
    /// What the payload is, as the manifest says (`tar`, `sqlite`, ...).
    package var payload: String
    /// Plaintext size and sha256; absent when the backup was made before they were recorded.
    package var payloadSize: Int64?
    package var payloadSHA256: String?
    package var objectives: Manifest.Objectives
    /// The fingerprint of the host key that signed `latest.json.sig`.
    package var signer: String
    /// A physical base backup's WAL (timeline, start and stop), as its manifest records it: where the
    /// unbroken run of archived WAL a recovery host checks must begin. Absent in older indexes.
    package var wal: BaseBackupWAL?
    /// The binary log position a mariadb dump is consistent with, as its manifest records it: where the
    /// unbroken run of archived binary logs must begin. Absent in older indexes.
    package var binlog: BinlogPosition?

    package init(
        host: String, policy: String, kind: String, id: String, started: String, finished: String, payload: String,
        payloadSize: Int64?, payloadSHA256: String?, objectives: Manifest.Objectives, signer: String
    ) {
        format = Self.currentFormat
        tool = "lifeboat"
        self.host = host
        self.policy = policy
        self.kind = kind
        self.id = id
        self.started = started
        self.finished = finished
        self.payload = payload
        self.payloadSize = payloadSize
        self.payloadSHA256 = payloadSHA256
        self.objectives = objectives
        self.signer = signer
    }

    enum CodingKeys: String, CodingKey {
        case format, tool, host, policy, kind, id, started, finished, payload, objectives, signer, wal, binlog
        case payloadSize = "payload_size"
        case payloadSHA256 = "payload_sha256"
    }
}
