import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatCrypto
import LifeboatPipeline
import LifeboatStorage

/// The `drill` use case: restores the newest complete backup of a policy the way a recovery would,
/// starting from what the destinations hold alone (the trusted `latest.json`, then the signed
/// manifest, then the chunks), into the drill's own scratch folder or a fresh scratch database;
/// proves the result; times the whole of it against the RTO; records it; and cleans up on every path.
package struct DrillUseCase {
    package let ctx: RecoveryContext

    package init(_ ctx: RecoveryContext) { self.ctx = ctx }

    /// Drills `host/policy`; a failure is an outcome (recorded), not an error. Only a fault of the
    /// recovery host itself (its keys, its catalog) is thrown. `backup` names a backup to drill instead of
    /// the one the policy's latest.json names; its signed manifest is then where the drill starts.
    package func run(host: String, policy: String, backup: BackupID? = nil) async throws -> DrillOutcome {
        let keys = try ctx.identities()
        let started = ctx.now()
        let clock = ContinuousClock()
        let start = clock.now
        var state = Progress()
        var proven = false
        var failure: String?
        do {
            try await drill(host: host, policy: policy, backup: backup, keys: keys, state: &state)
            proven = true
        } catch let e as LifeboatError where e.kind == .badInput {
            throw e
        } catch {
            failure = Self.text(error)
        }
        let seconds = state.elapsed ?? Self.seconds(clock.now - start)
        if let problem = state.cleanupProblem {
            ctx.logger.warning("drill \(host)/\(policy): \(problem)")
        }
        let rto = state.rto.map(Double.init)
        let record = DrillRecord(
            host: host, policy: policy, backupID: state.backupID, started: started, finished: ctx.now(),
            result: proven ? .passed : .failed, seconds: seconds, bytes: state.bytes, rtoSeconds: rto,
            detail: state.detail, error: failure)
        try ctx.catalog.record(record)
        return DrillOutcome(
            record: record, verdict: DrillVerdict.judge(proven: proven, seconds: seconds, rto: rto),
            digest: state.digest)
    }

    /// What a drill learned on its way, kept when it fails half-way.
    struct Progress {
        var backupID: String?
        var rto: Int64?
        var bytes: Int64 = 0
        var detail = ""
        var digest: String?
        /// The restore's time, taken before the clean-up.
        var elapsed: Double?
        var cleanupProblem: String?
    }

    func drill(
        host: String, policy: String, backup: BackupID?, keys: [OpenPGPSecretKey], state: inout Progress
    ) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let id: BackupID
        var ordered = ctx.destinations
        var latest: LatestIndex?
        if let backup {
            id = backup
        } else {
            let newest = try await newestIndex(host: host, policy: policy)
            guard let named = BackupID(newest.index.id) else {
                throw LifeboatError.failed("latest.json names a malformed backup id")
            }
            id = named
            latest = newest.index
            state.rto = newest.index.objectives.rto
            // The destinations whose latest.json names this backup first, then the others.
            ordered = newest.holding + ctx.destinations.filter { d in !newest.holding.contains { $0.name == d.name } }
        }
        state.backupID = id.rawValue
        let prefix = "\(host)/\(policy)/\(id.rawValue)/"
        let manifest = try await TrustedManifest.fetch(
            from: ordered, prefix: prefix,
            expecting: ManifestReader.Expectation(
                host: host, policy: policy, kind: latest?.kind, id: id, now: ctx.now()),
            signers: ctx.signers, logger: ctx.logger)
        if let rto = manifest.objectives?.rto { state.rto = rto }
        if let a = manifest.payloadSHA256, let b = latest?.payloadSHA256, a != b {
            throw LifeboatError.failed("latest.json and the manifest name different payload digests")
        }

        let folder = try DrillScratch.open(ctx.config.scratch)
        defer { folder.remove() }
        let proof = try DrillProof.make(
            payload: manifest.payload, work: folder.path, servers: ctx.config.scratchDatabases)
        defer {
            if let problem = proof.databases.dropAll() { state.cleanupProblem = problem }
        }
        // Stopped mid-drill (SIGTERM, SIGINT): the load is killed with its process group, the scratch
        // databases dropped and the folder removed before the process ends.
        let databases = proof.databases
        let stop = StopSignals.onStop { _ in
            databases.dropAll()
            folder.remove()
        }
        defer { StopSignals.remove(stop) }
        let hasher = PayloadHasher(next: proof.sink)
        let fetcher = ChunkFetcher(destinations: ordered, prefix: prefix, workDirectory: folder.path)
        do {
            ctx.progress.start(
                "drill \(host)/\(policy)", expectedIn: manifest.chunks.reduce(0) { $0 + $1.size },
                chunksTotal: manifest.chunks.count)
            let streamed = try await ChunkStream(
                fetcher: fetcher, keys: keys, logger: ctx.logger, backup: id.rawValue, meter: ctx.progress
            ).run(manifest.chunks, compression: manifest.algorithm, into: hasher)
            state.bytes = streamed.bytes
            state.digest = try Self.checkDigest(
                size: hasher.size, sha256: hasher.sha256, manifestSize: manifest.payloadSize,
                manifestSHA256: manifest.payloadSHA256)
            state.detail = try proof.prove()
        } catch {
            proof.abandon()
            state.elapsed = Self.seconds(clock.now - start)
            throw error
        }
        state.elapsed = Self.seconds(clock.now - start)
    }

    /// Compares the restored payload with what the manifest recorded; a backup made before payload
    /// digests were recorded is said to have none, which is not a failure of this step.
    static func checkDigest(size: Int64, sha256: String?, manifestSize: Int64?, manifestSHA256: String?) throws
        -> String
    {
        guard let manifestSHA256 else { return noDigest }
        guard let sha256, sha256 == manifestSHA256 else {
            throw LifeboatError.failed(
                "payload sha256 \((sha256 ?? "none").prefix(16))… does not match the manifest's \(manifestSHA256.prefix(16))…"
            )
        }
        if let manifestSize, manifestSize != size {
            throw LifeboatError.failed("payload is \(size) bytes; the manifest says \(manifestSize)")
        }
        return "payload sha256 and size match the manifest"
    }

    /// What the digest step says of a backup made before payload digests were recorded.
    package static let noDigest = "the backup records no payload digest: not compared"

    /// The accepted `latest.json` that names the newest backup across the destinations, and the
    /// destinations whose index names that same backup.
    func newestIndex(host: String, policy: String) async throws -> (index: LatestIndex, holding: [Destination]) {
        var accepted: [(LatestIndex, Destination)] = []
        var problems: [String] = []
        let expectation = LatestIndexReader.Expectation(host: host, policy: policy, now: ctx.now())
        for destination in ctx.destinations {
            do {
                let signed = try await SignedLatestIndex.fetch(
                    from: destination, expecting: expectation, signers: ctx.signers)
                accepted.append((signed.index, destination))
            } catch let e as SignedLatestIndex.Refusal {
                problems.append("\(destination.name): \(e.reason)")
            } catch let e as StorageError {
                problems.append(e.description)
            }
        }
        guard let newest = accepted.map(\.0).max(by: { $0.id < $1.id }) else {
            throw LifeboatError.failed(
                "no trusted latest.json: " + (problems.isEmpty ? "no destination" : problems.joined(separator: "; ")))
        }
        return (newest, accepted.filter { $0.0.id == newest.id }.map(\.1))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func text(_ error: Error) -> String {
        (error as? LifeboatError)?.message ?? "\(error)"
    }
}
