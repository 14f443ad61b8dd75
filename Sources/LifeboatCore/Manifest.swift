/// The self-describing record stored beside a backup's chunks at every destination, written last.
///
/// A host with an empty catalog can rebuild it from manifests alone, so it carries everything
/// the catalog knows about a finished backup.
public struct Manifest: Codable, Sendable, Equatable {
    public static let currentFormat = 1

    /// One chunk of the OpenPGP message: its object name, size and sha256.
    public struct Chunk: Codable, Sendable, Equatable {
        public var name: String
        public var size: Int64
        public var sha256: String
        public init(name: String, size: Int64, sha256: String) {
            self.name = name
            self.size = size
            self.sha256 = sha256
        }
    }

    public var format: Int
    public var tool: String
    public var host: String
    public var policy: String
    public var kind: String
    public var id: String
    public var started: String
    public var finished: String
    /// What the decrypted, gunzipped payload is: `tar`, `sqlite`, `pg_dump-custom`, `sql`, `raw`.
    public var payload: String
    public var compression: String
    public var encryption: String
    public var recipients: [String]
    public var bytesIn: Int64
    public var bytesOut: Int64
    public var lockWindowMs: Int64?
    /// The fingerprint of the host key that signed this manifest (`manifest.json.sig`); nil before signing existed.
    public var signer: String?
    /// Entries of a file tree left out because they vanished or could not be read; absent when none.
    public var skipped: Int?
    public var chunks: [Chunk]

    public init(
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
            recipients, chunks, signer
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
        case lockWindowMs = "lock_window_ms"
        case skipped
    }

    /// The object name of the detached signature over `manifest.json`, written just before it.
    public static let signatureName = "manifest.json.sig"

    /// Whether `name` is a chunk object's name: `data.` and six or more digits, nothing else.
    public static func isChunkName(_ name: String) -> Bool {
        let digits = name.utf8.dropFirst(5)
        return name.hasPrefix("data.") && digits.count >= 6 && digits.count <= 9 && digits.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// Name of the n-th chunk object: `data.000000`, `data.000001`, ...
    public static func chunkName(_ index: Int) -> String {
        let digits = String(index)
        return "data." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}
