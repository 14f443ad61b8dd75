import Foundation

/// Reads a `latest.json` that came from a destination, where anyone with write access may have put
/// it: size, JSON shape and every field are checked against where it was found before any use, so a
/// planted or stale index cannot name another host's backup, a malformed id or a time in the future.
package enum LatestIndexReader {
    /// The kinds a policy may be.
    package static let kinds: Set<String> = ["files", "sqlite", "postgres", "mariadb", "command"]

    /// What the reader knows before it reads: the `<host>/<policy>/` it listed, and its clock.
    package struct Expectation: Sendable {
        package var host: String
        package var policy: String
        package var now: Date

        package init(host: String, policy: String, now: Date) {
            self.host = host
            self.policy = policy
            self.now = now
        }
    }

    /// Why a `latest.json` was refused: one line an operator can act on.
    package struct Refusal: Error, CustomStringConvertible, Sendable, Equatable {
        package let reason: String
        package var description: String { reason }
        init(_ reason: String) { self.reason = reason }
    }

    /// Decodes and checks `bytes`; throws `Refusal` naming the first thing that is wrong.
    package static func read(_ bytes: [UInt8], expecting e: Expectation) throws(Refusal) -> LatestIndex {
        guard bytes.count <= LatestIndex.maximumSize else {
            throw Refusal("latest.json is \(bytes.count) bytes, over the \(LatestIndex.maximumSize) allowed")
        }
        let index: LatestIndex
        do {
            index = try JSONDecoder().decode(LatestIndex.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Refusal("latest.json is not valid: \(ManifestReader.describe(error))")
        } catch {
            throw Refusal("latest.json is not valid JSON")
        }
        try check(index, expecting: e)
        return index
    }

    /// The field checks alone, for an index already decoded.
    package static func check(_ x: LatestIndex, expecting e: Expectation) throws(Refusal) {
        let quoted = ManifestReader.quoted
        guard (1...LatestIndex.currentFormat).contains(x.format) else {
            throw Refusal("latest.json format \(x.format) is not one this version reads")
        }
        guard x.tool == "lifeboat" else { throw Refusal("latest.json was written by \(quoted(x.tool))") }
        guard x.host == e.host else { throw Refusal("latest.json names host \(quoted(x.host)), expected \(e.host)") }
        guard x.policy == e.policy else {
            throw Refusal("latest.json names policy \(quoted(x.policy)), expected \(e.policy)")
        }
        guard kinds.contains(x.kind) else { throw Refusal("latest.json names an unknown kind \(quoted(x.kind))") }
        guard ManifestReader.payloads.contains(x.payload) else {
            throw Refusal("latest.json names an unknown payload \(quoted(x.payload))")
        }
        guard let id = BackupID(x.id), let idTime = id.date else {
            throw Refusal("latest.json names a malformed backup id \(quoted(x.id))")
        }
        guard idTime.timeIntervalSince(e.now) <= ClockSkew.allowed else {
            throw Refusal("latest.json names backup \(x.id), dated in the future")
        }
        guard let started = Timestamp.parseISO8601(x.started), let finished = Timestamp.parseISO8601(x.finished),
            started <= finished, finished.timeIntervalSince(e.now) <= ClockSkew.allowed
        else {
            throw Refusal(
                "latest.json times \(quoted(x.started)) to \(quoted(x.finished)) are malformed or in the future")
        }
        guard ManifestReader.isFingerprint(x.signer) else {
            throw Refusal("latest.json signer \(quoted(x.signer)) is not a key fingerprint")
        }
        if let wal = x.wal, !wal.isPlausible {
            throw Refusal("latest.json names an impossible base backup WAL (timeline \(wal.timeline))")
        }
        if let binlog = x.binlog, !BinlogPosition.isLogName(binlog.file) || binlog.position < 0 {
            throw Refusal("latest.json names a malformed binary log position \(quoted(binlog.file))")
        }
        do throws(ObjectivesCheck.Refusal) {
            try ObjectivesCheck.check(x.objectives)
            try ObjectivesCheck.checkPayload(size: x.payloadSize, sha256: x.payloadSHA256)
        } catch {
            throw Refusal("latest.json \(error.reason)")
        }
    }
}
