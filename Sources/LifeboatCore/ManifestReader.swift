import Foundation

/// Reads a `manifest.json` that came from a destination, where anyone with write access may have put
/// it: size, JSON shape and every field are checked against what the reader expects before any use,
/// so no chunk name, id or count from outside reaches a path, a query or a loop unchecked.
package enum ManifestReader {
    /// A manifest larger than this is refused unread (a million chunks' worth of JSON is about 150 MB;
    /// a real one is a few KiB per thousand chunks).
    package static let maximumSize = 16 << 20
    /// The most chunks one backup may have: 64 MiB chunks make that 64 TiB.
    package static let maximumChunks = 1_000_000
    /// One chunk at most this large (the largest `chunk_size` plus OpenPGP framing).
    package static let maximumChunkSize: Int64 = 1 << 40
    /// How far ahead of the reader's clock a backup id's time may be.
    package static let allowedClockSkew = ClockSkew.allowed
    /// The payloads Lifeboat writes.
    package static let payloads: Set<String> = [
        "tar", "sqlite", "pg_dump-custom", "pg_bundle", "pg_basebackup-tar", "sql", "sql_databases", "raw",
    ]

    /// What the reader knows before it reads: where the manifest was listed and which policy it serves.
    package struct Expectation: Sendable {
        package var host: String
        package var policy: String
        /// The policy's kind as written in the policy file; nil accepts any kind.
        package var kind: String?
        /// The id from the object's folder.
        package var id: BackupID
        package var now: Date

        package init(host: String, policy: String, kind: String?, id: BackupID, now: Date) {
            self.host = host
            self.policy = policy
            self.kind = kind
            self.id = id
            self.now = now
        }
    }

    /// Why a manifest was refused: one line an operator can act on.
    package struct Refusal: Error, CustomStringConvertible, Sendable, Equatable {
        package let reason: String
        package var description: String { reason }
        init(_ reason: String) { self.reason = reason }
    }

    /// Decodes and checks `bytes`; throws `Refusal` naming the first thing that is wrong.
    package static func read(_ bytes: [UInt8], expecting e: Expectation) throws -> Manifest {
        guard bytes.count <= maximumSize else {
            throw Refusal("manifest is \(bytes.count) bytes, over the \(maximumSize) allowed")
        }
        let m: Manifest
        do {
            m = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Refusal("manifest is not valid: \(describe(error))")
        } catch {
            throw Refusal("manifest is not valid JSON")
        }
        try check(m, expecting: e)
        return m
    }

    /// The field checks alone, for a manifest already decoded.
    package static func check(_ m: Manifest, expecting e: Expectation) throws {
        guard (1...Manifest.currentFormat).contains(m.format) else {
            throw Refusal("manifest format \(m.format) is not one this version reads")
        }
        guard m.id == e.id.rawValue else {
            throw Refusal("manifest names backup \(quoted(m.id)) but lies in folder \(e.id)")
        }
        guard let id = BackupID(m.id), let idTime = id.date else {
            throw Refusal("backup id \(quoted(m.id)) is malformed")
        }
        guard idTime.timeIntervalSince(e.now) <= allowedClockSkew else {
            throw Refusal("backup id \(m.id) is dated \(Timestamp.iso8601(idTime)), in the future")
        }
        guard m.host == e.host else { throw Refusal("manifest names host \(quoted(m.host)), expected \(e.host)") }
        guard m.policy == e.policy else {
            throw Refusal("manifest names policy \(quoted(m.policy)), expected \(e.policy)")
        }
        if let kind = e.kind, m.kind != kind {
            throw Refusal("manifest names kind \(quoted(m.kind)), but policy \(e.policy) is \(kind)")
        }
        guard payloads.contains(m.payload) else {
            throw Refusal("manifest names an unknown payload \(quoted(m.payload))")
        }
        guard CompressionAlgorithm(rawValue: m.compression) != nil, m.encryption == "openpgp" else {
            throw Refusal(
                "manifest names compression \(quoted(m.compression)) and encryption \(quoted(m.encryption)); this version reads gzip or zstd, and openpgp"
            )
        }
        guard let started = Timestamp.parseISO8601(m.started), let finished = Timestamp.parseISO8601(m.finished),
            started <= finished, finished.timeIntervalSince(e.now) <= allowedClockSkew
        else {
            throw Refusal("manifest times \(quoted(m.started)) to \(quoted(m.finished)) are malformed or in the future")
        }
        guard m.bytesIn >= 0, m.bytesOut >= 0, (m.lockWindowMs ?? 0) >= 0, (m.skipped ?? 0) >= 0 else {
            throw Refusal("manifest holds a negative size or count")
        }
        guard m.recipients.count <= 64, m.recipients.allSatisfy(isFingerprint) else {
            throw Refusal("manifest recipients are not key fingerprints")
        }
        if let signer = m.signer, !isFingerprint(signer) {
            throw Refusal("manifest signer \(quoted(signer)) is not a key fingerprint")
        }
        do throws(ObjectivesCheck.Refusal) {
            if let objectives = m.objectives { try ObjectivesCheck.check(objectives) }
            try ObjectivesCheck.checkPayload(size: m.payloadSize, sha256: m.payloadSHA256)
        } catch {
            throw Refusal("manifest \(error.reason)")
        }
        if let wal = m.wal {
            guard m.payload == "pg_basebackup-tar", wal.isPlausible else {
                throw Refusal(
                    "manifest wal range \(wal.start)-\(wal.stop) on timeline \(wal.timeline) does not fit a \(quoted(m.payload)) payload"
                )
            }
        }
        if let b = m.binlog, !BinlogPosition.isLogName(b.file) || b.position < 4 || m.kind != "mariadb" {
            throw Refusal("manifest binlog \(quoted(b.description)) is not a mariadb binary log position")
        }
        if let size = m.payloadSize, size != m.bytesIn {
            throw Refusal("manifest payload_size \(size) differs from bytes_in \(m.bytesIn)")
        }
        guard !m.chunks.isEmpty, m.chunks.count <= maximumChunks else {
            throw Refusal("manifest lists \(m.chunks.count) chunks (1 to \(maximumChunks) allowed)")
        }
        var total: Int64 = 0
        for (index, chunk) in m.chunks.enumerated() {
            guard chunk.name == Manifest.chunkName(index) else {
                throw Refusal("chunk \(index) is named \(quoted(chunk.name)), expected \(Manifest.chunkName(index))")
            }
            guard (1...maximumChunkSize).contains(chunk.size) else {
                throw Refusal("chunk \(chunk.name) has size \(chunk.size)")
            }
            guard chunk.sha256.count == 64, chunk.sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw Refusal("chunk \(chunk.name) has a malformed sha256")
            }
            total += chunk.size
        }
        guard total == m.bytesOut else {
            throw Refusal("chunks add up to \(total) bytes, but the manifest says \(m.bytesOut)")
        }
    }

    static func isFingerprint(_ s: String) -> Bool {
        s.count == 40 && s.allSatisfy { $0.isHexDigit && $0.isASCII }
    }

    /// A value from outside, quoted and cut short so a hostile one cannot flood a log line.
    package static func quoted(_ s: String) -> String {
        let safe = s.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "?" }.joined()
        return "'" + (safe.count > 80 ? safe.prefix(80) + "…" : safe) + "'"
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "field \(key.stringValue) is missing"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            c.codingPath.isEmpty
                ? "not a JSON object"
                : "field \(c.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        @unknown default: "not readable"
        }
    }
}
