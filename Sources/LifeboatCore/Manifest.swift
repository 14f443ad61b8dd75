/// The self-describing record stored beside a backup's chunks at every destination, written last.
///
/// A host with an empty catalog can rebuild it from manifests alone, so it carries everything
/// the catalog knows about a finished backup.
package struct Manifest: Codable, Sendable, Equatable {
    package static let currentFormat = 1

    /// One chunk of the OpenPGP message: its object name, size and sha256.
    package struct Chunk: Codable, Sendable, Equatable {
        package var name: String
        package var size: Int64
        package var sha256: String
        package init(name: String, size: Int64, sha256: String) {
            self.name = name
            self.size = size
            self.sha256 = sha256
        }
    }

    package var format: Int
    package var tool: String
    package var host: String
    package var policy: String
    package var kind: String
    package var id: String
    package var started: String
    package var finished: String
    /// What the decrypted, gunzipped payload is: `tar`, `sqlite`, `pg_dump-custom`, `pg_basebackup-tar`, `sql`, `raw`.
    package var payload: String
    package var compression: String
    package var encryption: String
    package var recipients: [String]
    package var bytesIn: Int64
    package var bytesOut: Int64
    package var lockWindowMs: Int64?
    /// The fingerprint of the host key that signed this manifest (`manifest.json.sig`); nil before signing existed.
    package var signer: String?
    /// Entries of a file tree left out because they vanished or could not be read; absent when none.
    package var skipped: Int?
    package var chunks: [Chunk]
    /// The policy's objectives when the backup was shipped; absent in backups made before they were recorded.
    package var objectives: Objectives?
    /// Bytes of the plaintext inside the gzip (what the source produced); absent in older backups.
    package var payloadSize: Int64?
    /// SHA-256 of that plaintext, hashed as it streamed; absent in older backups.
    package var payloadSHA256: String?
    /// The WAL range of a physical PostgreSQL base backup (`pg_basebackup-tar`); absent for anything else.
    package var wal: BaseBackupWAL?
    /// The binary log position a mariadb dump is consistent with (where a point-in-time replay
    /// starts); absent for other backups.
    package var binlog: BinlogPosition?

    /// `compression` as the algorithm it names; gzip for a value the reader did not check (it refuses others).
    package var algorithm: CompressionAlgorithm { CompressionAlgorithm(rawValue: compression) ?? .gzip }

    package init(
        host: String, policy: String, kind: String, id: String, started: String, finished: String,
        payload: String, recipients: [String], bytesIn: Int64, bytesOut: Int64, lockWindowMs: Int64?,
        signer: String? = nil, chunks: [Chunk]
    ) {
        self.format = Manifest.currentFormat
        self.tool = "lifeboat"
        self.host = host
        self.policy = policy
        self.kind = kind
        self.id = id
        self.started = started
        self.finished = finished
        self.payload = payload
        self.compression = "gzip"
        self.encryption = "openpgp"
        self.recipients = recipients
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.lockWindowMs = lockWindowMs
        self.signer = signer
        self.chunks = chunks
    }

    enum CodingKeys: String, CodingKey {
        case format, tool, host, policy, kind, id, started, finished, payload, compression, encryption,
            recipients, chunks, signer, objectives, binlog
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
        case lockWindowMs = "lock_window_ms"
        case skipped
        case payloadSize = "payload_size"
        case payloadSHA256 = "payload_sha256"
        case wal
    }

    /// The object name of the detached signature over `manifest.json`, written just before it.
    package static let signatureName = "manifest.json.sig"

    /// Whether `name` is a chunk object's name: `data.` and six or more digits, nothing else.
    package static func isChunkName(_ name: String) -> Bool {
        let digits = name.utf8.dropFirst(5)
        return name.hasPrefix("data.") && digits.count >= 6 && digits.count <= 9
            && digits.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// Name of the n-th chunk object: `data.000000`, `data.000001`, ...
    package static func chunkName(_ index: Int) -> String {
        let digits = String(index)
        return "data." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
