import Foundation
import LifeboatCore
import LifeboatCrypto
import LifeboatDigest
import LifeboatStorage

/// Reads one policy's archive at one destination for `fleet` with few requests: one listing of the
/// `wal/` timelines and one of the newest timeline's folder (and of the base backup's, when older), or
/// one listing of `binlog/`; then the newest file is verified before it is believed (a WAL file's
/// signature over its record, recomputed from the message read back; a binary log's signed manifest).
/// One that does not verify is named in a note and the next older is tried, at most `tries` in all. Keys
/// skipped in a listing are named by count, so a planted flood makes one line.
struct FleetArchiveProbe: Sendable {
    /// Files tried, newest first, before a destination is said to have none that verifies.
    static let tries = 3
    /// An archived WAL message larger than this is not read (a 16 MiB segment, compressed, is far less).
    static let maximumWALMessage: Int64 = 64 << 20
    let destination: Destination
    let signers: [OpenPGPVerifyingKey]
    let now: Date

    /// The WAL archive of `host/policy` here; nil when there is no `wal/` folder (the policy does not
    /// archive WAL here). `base` is the newest base backup's WAL, from its signed index, for the gap.
    func wal(host: String, policy: String, base: BaseBackupWAL?) async -> FleetArchive.AtDestination? {
        let name = destination.name
        let prefix = WALArchiveLayout.prefix(host: host, policy: policy)
        var at = FleetArchive.AtDestination(destination: name, newest: nil, firstMissing: nil, notes: [])
        let timelines: FleetArchiveListing.Result<UInt32>
        do {
            timelines = FleetArchiveListing.timelines(try await destination.listFolders(prefix: prefix))
        } catch {
            at.notes.append("\(name): archived WAL not listed: \(Self.text(error))")
            return at
        }
        if timelines.skipped > 0 {
            at.notes.append("\(name): skipped \(timelines.skipped) folders under \(prefix) that are not WAL timelines")
        }
        guard let newestTimeline = timelines.names.first else { return timelines.skipped > 0 ? at : nil }
        var listed: [UInt32: [WALFileName]] = [:]
        var failed = false
        func list(_ t: UInt32) async {
            guard listed[t] == nil, !failed else { return }
            let folder = prefix + WALArchiveLayout.timelineFolder(t) + "/"
            do {
                let r = FleetArchiveListing.walFiles(
                    try await destination.list(prefix: folder), folder: folder, timeline: t)
                if r.skipped > 0 {
                    at.notes.append("\(name): skipped \(r.skipped) objects under \(folder) that are not archived WAL")
                }
                listed[t] = r.names
            } catch {
                at.notes.append(
                    "\(name): archived WAL of timeline \(WALArchiveLayout.timelineFolder(t)) not listed: \(Self.text(error))"
                )
                failed = true
            }
        }
        await list(newestTimeline)
        // The gap check follows every timeline from the base backup's to the newest (a restored server
        // promotes to a new one): each of them is listed, usually one or two.
        if let base {
            for t in timelines.names.reversed() where t >= base.timeline { await list(t) }
        }
        // Just after a promotion the newest timeline may hold only its history file: the newest segment
        // is then on the timeline before it.
        var segments = (listed[newestTimeline] ?? []).filter { $0.kind == .segment }
        if segments.isEmpty, timelines.names.count > 1 {
            await list(timelines.names[1])
            segments = (listed[timelines.names[1]] ?? []).filter { $0.kind == .segment }
        }
        if failed { return at }
        if let base {
            at.firstMissing = WALGap.firstMissing(
                archived: listed.filter { $0.key >= base.timeline }.values.flatMap { $0 }, base: base)
        }
        await believeNewest(of: segments, named: \.name, noun: "WAL", in: &at) {
            try await verifiedWAL($0, host: host, policy: policy)
        }
        return at
    }

    /// When `file` was archived: its signature's creation time, once the signature verifies over the
    /// record of the message as read here (name, host, policy, sha256, size) by a signer that may vouch
    /// for `host`.
    func verifiedWAL(_ file: WALFileName, host: String, policy: String) async throws -> Date {
        let key = WALArchiveLayout.key(host: host, policy: policy, file: file)
        let signature = try await SignedObject.readBounded(
            destination, key + WALArchiveLayout.signatureSuffix, limit: DetachedSignature.maximumSize,
            sizeFirst: false)
        var hasher = SHA256Hasher()
        var read: Int64 = 0
        let limit = Self.maximumWALMessage
        let size = try await destination.read(key, offset: 0) { buffer in
            read += Int64(buffer.count)
            guard read <= limit else {
                throw LifeboatError(.failed, "the message is over the \(limit) bytes allowed")
            }
            hasher.update(buffer)
        }
        let record = WALArchiveLayout.signedRecord(
            host: host, policy: policy, file: file, sha256: hasher.finalize().hexString, size: size)
        let good = try DetachedSignature.verify(signature: signature, data: record, trusted: signers, now: now)
        try Self.mayVouch(good.signer, for: host, signers: signers)
        return good.created
    }

    /// The binary-log archive of `host/policy` here; nil when there is none. `start` is the log the
    /// newest dump is consistent with, from its signed index, for the gap.
    func binlog(host: String, policy: String, start: BinlogPosition?) async -> FleetArchive.AtDestination? {
        let name = destination.name
        let folder = "\(host)/\(policy)/binlog/"
        var at = FleetArchive.AtDestination(destination: name, newest: nil, firstMissing: nil, notes: [])
        let logs: FleetArchiveListing.Result<String>
        do {
            logs = FleetArchiveListing.binlogs(try await destination.list(prefix: folder), folder: folder)
        } catch {
            at.notes.append("\(name): archived binary logs not listed: \(Self.text(error))")
            return at
        }
        if logs.skipped > 0 {
            at.notes.append("\(name): skipped \(logs.skipped) folders under \(folder) that are not binary logs")
        }
        guard !logs.names.isEmpty else { return logs.skipped > 0 ? at : nil }
        if let start, let first = BinlogPosition.sequence(of: start.file),
            logs.names.contains(where: { (BinlogPosition.sequence(of: $0) ?? -1) >= first })
        {
            // Only the archive is known here, not the server: a log after the dump's that is not archived
            // yet is not a gap, one missing before an archived one is.
            at.firstMissing = BinlogGap.firstMissing(start: start.file, archived: logs.names, onServer: [])
        }
        await believeNewest(of: logs.names, named: \.self, noun: "binary log", in: &at) {
            try await verifiedBinlog($0, host: host, policy: policy)
        }
        return at
    }

    /// Sets `at.newest` to the newest of `files` (listed oldest first) that `verify` accepts, trying at most
    /// `tries` of them newest first; each one refused is named in a note as an archived `noun` not trusted.
    private func believeNewest<File>(
        of files: [File], named fileName: (File) -> String, noun: String, in at: inout FleetArchive.AtDestination,
        verify: (File) async throws -> Date
    ) async {
        for file in files.reversed().prefix(Self.tries) {
            do {
                at.newest = .init(name: fileName(file), time: try await verify(file))
                return
            } catch {
                at.notes.append(
                    "\(destination.name): archived \(noun) \(fileName(file)) not trusted: \(Self.text(error))")
            }
        }
    }

    /// When `log` was rotated, by its manifest, once the manifest's signature verifies by a signer that
    /// may vouch for `host` and its fields name this very log.
    func verifiedBinlog(_ log: String, host: String, policy: String) async throws -> Date {
        let prefix = BinlogManifest.prefix(host: host, policy: policy, name: log)
        let bytes = try await SignedObject.readBounded(
            destination, prefix + "manifest.json", limit: ManifestReader.maximumSize, sizeFirst: false)
        let signer: String
        do {
            signer = try await SignedObject.verify(
                bytes, signatureAt: prefix + Manifest.signatureName, in: destination, signers: signers, now: now,
                sizeFirst: false)
        } catch SignedObject.Failure.missing {
            throw LifeboatError(.failed, "not signed (no \(Manifest.signatureName))")
        } catch SignedObject.Failure.refused(let reason) {
            throw LifeboatError(.failed, reason)
        }
        try Self.mayVouch(signer, for: host, signers: signers)
        let manifest = try BinlogManifest.read(bytes, host: host, policy: policy, name: log)
        guard manifest.rotatedDate.timeIntervalSince(now) <= ClockSkew.allowed else {
            throw LifeboatError(.failed, "its manifest is dated \(manifest.rotated), in the future")
        }
        return manifest.rotatedDate
    }

    /// A host's own key vouches only for that host, as for `latest.json`.
    static func mayVouch(_ signer: String, for host: String, signers: [OpenPGPVerifyingKey]) throws {
        if let key = signers.first(where: { $0.fingerprint == signer }), !SignedLatestIndex.mayVouch(key, for: host) {
            throw LifeboatError(.failed, "signed by another host's key \(signer)")
        }
    }

    static func text(_ error: Error) -> String {
        (error as? LifeboatError)?.message ?? (error as? StorageError)?.message
            ?? (error as? CryptoError)?.description ?? String(describing: error)
    }
}
