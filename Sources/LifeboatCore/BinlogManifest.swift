import Foundation

/// The signed record beside one archived binary log at a destination
/// (`<host>/<policy>/binlog/<name>/manifest.json`, written after its chunks and its signature): what a
/// point-in-time restore needs to fetch, check and replay the log.
package struct BinlogManifest: Codable, Sendable, Equatable {
    package static let currentFormat = 1
    /// The `payload` value every archived binary log carries.
    package static let payload = "mariadb-binlog"

    package var format: Int
    package var tool: String
    package var host: String
    package var policy: String
    package var payload: String
    /// The log's file name on the server (`mysql-bin.000042`).
    package var name: String
    /// When the archiver rotated past the log: every event in it is older.
    package var rotated: String
    package var compression: String
    package var encryption: String
    package var recipients: [String]
    package var signer: String?
    /// Bytes and SHA-256 of the log itself.
    package var payloadSize: Int64
    package var payloadSHA256: String
    package var bytesOut: Int64
    package var chunks: [Manifest.Chunk]

    package init(
        host: String, policy: String, name: String, rotated: Date, compression: CompressionAlgorithm,
        recipients: [String], signer: String?, payloadSize: Int64, payloadSHA256: String, bytesOut: Int64,
        chunks: [Manifest.Chunk]
    ) {
        format = Self.currentFormat
        tool = "lifeboat"
        self.host = host
        self.policy = policy
        payload = Self.payload
        self.name = name
        self.rotated = Timestamp.iso8601(rotated)
        self.compression = compression.rawValue
        encryption = "openpgp"
        self.recipients = recipients
        self.signer = signer
        self.payloadSize = payloadSize
        self.payloadSHA256 = payloadSHA256
        self.bytesOut = bytesOut
        self.chunks = chunks
    }

    enum CodingKeys: String, CodingKey {
        case format, tool, host, policy, payload, name, rotated, compression, encryption, recipients, signer, chunks
        case payloadSize = "payload_size"
        case payloadSHA256 = "payload_sha256"
        case bytesOut = "bytes_out"
    }

    /// The object key prefix of an archived log: `<host>/<policy>/binlog/<name>/`.
    package static func prefix(host: String, policy: String, name: String) -> String {
        "\(host)/\(policy)/binlog/\(name)/"
    }

    /// Reads a manifest from a destination, checking every field against where it was found.
    package static func read(_ bytes: [UInt8], host: String, policy: String, name: String) throws -> BinlogManifest {
        typealias Refusal = ManifestReader.Refusal
        guard bytes.count <= ManifestReader.maximumSize else { throw Refusal("binlog manifest is too large") }
        let m: BinlogManifest
        do {
            m = try JSONDecoder().decode(BinlogManifest.self, from: Data(bytes))
        } catch let e as DecodingError {
            throw Refusal("binlog manifest \(name): \(ManifestReader.describe(e))")
        }
        let q = ManifestReader.quoted
        guard m.format == currentFormat, m.tool == "lifeboat", m.payload == payload else {
            throw Refusal(
                "binlog manifest \(name): format \(m.format), tool \(q(m.tool)), payload \(q(m.payload)) not readable")
        }
        guard m.host == host, m.policy == policy, m.name == name, BinlogPosition.isLogName(m.name) else {
            throw Refusal(
                "binlog manifest names \(q(m.host))/\(q(m.policy))/\(q(m.name)), expected \(host)/\(policy)/\(name)")
        }
        guard Timestamp.parseISO8601(m.rotated) != nil, CompressionAlgorithm(rawValue: m.compression) != nil,
            m.encryption == "openpgp", m.payloadSize >= 0, ObjectivesCheck.isSHA256(m.payloadSHA256)
        else {
            throw Refusal("binlog manifest \(name): malformed rotated, compression, encryption, size or sha256")
        }
        guard !m.chunks.isEmpty, m.chunks.count <= ManifestReader.maximumChunks else {
            throw Refusal("binlog manifest \(name) lists \(m.chunks.count) chunks")
        }
        var total: Int64 = 0
        for (index, chunk) in m.chunks.enumerated() {
            guard chunk.name == Manifest.chunkName(index), (1...ManifestReader.maximumChunkSize).contains(chunk.size),
                ObjectivesCheck.isSHA256(chunk.sha256)
            else { throw Refusal("binlog manifest \(name): chunk \(index) is malformed") }
            total += chunk.size
        }
        guard total == m.bytesOut else {
            throw Refusal("binlog manifest \(name): chunks add up to \(total) bytes, not \(m.bytesOut)")
        }
        return m
    }

    /// When the log was rotated, as a date (checked by `read`).
    package var rotatedDate: Date { Timestamp.parseISO8601(rotated) ?? .distantPast }
}
