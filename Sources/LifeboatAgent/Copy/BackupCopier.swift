import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

/// Copies one backup from one destination to another as shipping writes it, with no decryption: the
/// chunks first (each read from the source into a private staging file while its sha256 is checked
/// against the signed manifest, then written to the target with that sha256, which a store that checks
/// bodies on arrival holds it to, and recorded in the catalog), then the signature, the manifest last.
/// The target is listed once per backup; a chunk already there with the right size and sha256 is not
/// sent again, so an interrupted copy resumes where it stopped. Reading and writing overlap: while
/// `concurrency` chunks are written to the target, as many of the next ones are read from the source
/// (so at most twice `concurrency` chunks are staged at a time). Counts into `ctx.progress` as it goes.
///
/// Into an rclone destination from a source rclone can read itself (`RcloneCopyPath`), each chunk is
/// copied by rclone alone, `concurrency` at a time, and the sha256 rclone computed while writing it is
/// held to the manifest's; a chunk it cannot copy (one only an older version of holds, say) goes the
/// staged way.
struct BackupCopier: Sendable {
    let ctx: AgentContext
    let source: Destination
    let target: Destination
    /// Chunks read from the source at once, and chunks written to the target at once (the target's
    /// `concurrency`).
    let concurrency: Int
    /// Whether each chunk is read back from the target after writing it, as shipping does for a local one.
    let checkLanded: Bool
    /// A private folder for staged chunks (ciphertext only).
    let work: String
    let signers: [OpenPGPVerifyingKey]
    /// Set when rclone can copy the chunks by itself.
    var rclonePath: RcloneCopyPath? = nil

    /// Copies `record`; never throws: a failure is the outcome's `error`.
    func copy(_ record: BackupRecord, kind: String?) async -> CopyOutcome {
        var outcome = CopyOutcome(policy: record.policy, id: record.id, from: source.name, to: target.name)
        let started = Date()
        do {
            try await copy(record, kind: kind, outcome: &outcome)
        } catch {
            outcome.result = .failed
            outcome.error = Self.reason(error)
            outcome.unreachable = (error as? StorageError).map { !$0.isNotFound } ?? false
            ctx.logger.error("\(record.id) not copied from \(source.name) to \(target.name): \(outcome.error ?? "")")
        }
        outcome.seconds = Date().timeIntervalSince(started)
        return outcome
    }

    static func reason(_ error: Error) -> String {
        (error as? StorageError)?.description ?? (error as? CopyFailure)?.message ?? String(describing: error)
    }

    private enum ChunkStep: Sendable {
        case present
        case sent(Int64)
    }

    private func copy(_ record: BackupRecord, kind: String?, outcome: inout CopyOutcome) async throws {
        let prefix = ctx.objectPrefix(host: record.host, policy: record.policy, id: record.id)
        let expectation = ManifestReader.Expectation(
            host: record.host, policy: record.policy, kind: kind, id: record.id, now: ctx.now())
        // One listing instead of a question per chunk: only a chunk listed there can be there already. It
        // goes while the source's manifest is fetched and checked (for rclone it also starts the daemon
        // and its first connection); its answer is used only once that manifest has been accepted.
        async let targetListing = listThenPrepare(prefix)
        let from: CopySourceManifest
        do {
            from = try await CopySourceManifest.fetch(
                from: source, prefix: prefix, expecting: expectation, signers: signers)
        } catch let e as CopySourceManifest.Refusal {
            throw CopyFailure.manifest(e.reason)
        }
        if rclonePath != nil {
            ctx.logger.info(
                "\(record.id): rclone copies each chunk from \(source.name) to \(target.name) by itself; its sha256 is checked"
            )
        }
        let chunks = from.manifest.chunks
        let cataloged = try ctx.catalog.chunks(id: record.id)
        if !cataloged.isEmpty, cataloged != chunks {
            throw CopyFailure.manifest("manifest.json at \(source.name) does not list the chunks the catalog has")
        }
        outcome.chunks = chunks.count
        ctx.progress.start(
            "copy \(record.policy)", expectedIn: chunks.reduce(0) { $0 + $1.size }, chunksTotal: chunks.count)
        let recorded = try ctx.catalog.shippedChunks(id: record.id, destination: target.name)
        let listed = Set(try await targetListing)
        let lanes = Lanes(reads: AsyncPermits(concurrency), writes: AsyncPermits(concurrency))
        let steps = try await forEachChunk(Array(chunks.enumerated()), finishUnderWay: rclonePath != nil) {
            index, chunk in
            let key = prefix + chunk.name
            let step = try await copyChunk(
                record.id, index: index, chunk, key: key, listed: listed.contains(key),
                recorded: recorded.contains(index), lanes: lanes)
            if case .present = step { ctx.progress.expectFewer(chunk.size) }
            ctx.progress.chunkDone(at: target.name)
            return step
        }
        for step in steps {
            switch step {
            case .present: outcome.chunksPresent += 1
            case .sent(let bytes):
                outcome.chunksSent += 1
                outcome.bytesSent += bytes
            }
        }
        CrashPoint.hit("copy.chunks-done")
        var whole = false
        if outcome.chunksSent == 0, (try? await target.readAll(prefix + "manifest.json")) == from.bytes {
            whole = (try? await target.size(prefix + Manifest.signatureName)) == Int64(from.signature.count)
        }
        if whole {
            outcome.result = .present
        } else {
            // The signature before the manifest: a manifest that is there is always signed.
            try await target.put(prefix + Manifest.signatureName, bytes: from.signature)
            try await target.put(prefix + "manifest.json", bytes: from.bytes)
            outcome.result = .copied
        }
        CrashPoint.hit("copy.manifest-put")
        try ctx.catalog.recordCopied(id: record.id, destination: target.name, at: ctx.now())
    }

    /// The target's listing under `prefix`; then, on the rclone path, the daemon made ready to copy
    /// (after the listing, so both share the connection it opened rather than each opening one).
    private func listThenPrepare(_ prefix: String) async throws -> [String] {
        let listed = try await target.list(prefix: prefix)
        await rclonePath?.prepare()
        return listed
    }

    /// The permits of reads from the source and of writes to the target, each `concurrency` wide.
    private struct Lanes: Sendable {
        let reads: AsyncPermits
        let writes: AsyncPermits
    }

    /// One chunk: left alone when the target already holds it whole, else staged from the source,
    /// checked against the manifest, written and recorded. `listed`: the target's listing named it.
    private func copyChunk(
        _ id: BackupID, index: Int, _ chunk: Manifest.Chunk, key: String, listed: Bool, recorded: Bool,
        lanes: Lanes
    ) async throws -> ChunkStep {
        if listed, let size = try await target.size(key), size == chunk.size {
            // Recorded by this catalog after it was checked: its size is enough. Otherwise (a copy killed
            // between writing and recording, or objects put there by hand) read it back and hash it.
            if recorded { return .present }
            let found = try await target.readDigest(key)
            if found.size == chunk.size, found.sha256 == chunk.sha256 {
                try ctx.catalog.recordChunkShipped(id: id, destination: target.name, index: index, at: ctx.now())
                return .present
            }
        }
        if let rclonePath {
            do {
                return try await lanes.writes.withPermit {
                    try await copyByRclone(id, index: index, chunk, key: key, path: rclonePath)
                }
            } catch let e as StorageError where e.kind != .transient {
                // Not found at the source as rclone reads it, or not hashed: the staged way may do it.
                ctx.logger.info(
                    "\(chunk.name): rclone did not copy it from \(source.name) by itself (\(e.description)); copying it through Lifeboat"
                )
            }
        }
        let staged = "\(work)/\(id).\(chunk.name)"
        defer { unlink(staged) }
        let found = try await lanes.reads.withPermit { try await stage(key, into: staged) }
        guard found.size == chunk.size, found.sha256 == chunk.sha256 else {
            throw CopyFailure.damagedSource(
                chunk.name,
                detail: ChunkCheck.damaged(chunk, "at \(source.name)", size: found.size, sha256: found.sha256),
                to: target.name)
        }
        try await lanes.writes.withPermit {
            try await target.put(key, fromFile: staged, sha256: chunk.sha256)
            ctx.progress.addOut(Int(chunk.size))
            if checkLanded { try await ChunkCheck.landed(target, key: key, chunk) }
        }
        CrashPoint.hit("copy.chunk-put")
        try ctx.catalog.recordChunkShipped(id: id, destination: target.name, index: index, at: ctx.now())
        return .sent(chunk.size)
    }

    /// One chunk copied by rclone alone; what landed must have the manifest's size and sha256, else it
    /// is removed and the copy stops as it does for a damaged chunk on the staged way.
    private func copyByRclone(
        _ id: BackupID, index: Int, _ chunk: Manifest.Chunk, key: String, path: RcloneCopyPath
    ) async throws -> ChunkStep {
        let landed = try await path.copy(key)
        guard landed.size == chunk.size, landed.sha256 == chunk.sha256 else {
            do {
                try await path.target.remove(key)
            } catch {
                ctx.logger.error(
                    "\(chunk.name) at \(target.name) is damaged and could not be removed: \(Self.reason(error))")
            }
            throw CopyFailure.damagedSource(
                chunk.name,
                detail: ChunkCheck.damaged(chunk, "at \(source.name)", size: landed.size, sha256: landed.sha256),
                to: target.name)
        }
        ctx.progress.addIn(Int(chunk.size))
        ctx.progress.addOut(Int(chunk.size))
        CrashPoint.hit("copy.chunk-put")
        try ctx.catalog.recordChunkShipped(id: id, destination: target.name, index: index, at: ctx.now())
        return .sent(chunk.size)
    }

    /// Reads the source's object into `path` (0600), hashing it on the way.
    private func stage(_ key: String, into path: String) async throws -> ObjectDigest {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LifeboatError.failed("cannot stage \(key) in \(work): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        return try await source.readDigest(key) { bytes in
            ctx.progress.addIn(bytes.count)
            do {
                try FileDescriptorIO.writeAll(fd, bytes)
            } catch let e as SystemCallError {
                throw LifeboatError.failed("cannot stage \(key) in \(work): \(e.reason)")
            }
        }
    }

    /// Runs `body` over the chunks, at most twice `concurrency` at a time (half of them reading, half
    /// writing), in order of starting. After the first error no chunk starts and the error is thrown: at
    /// once, the others cancelled, or with `finishUnderWay` once the ones under way have finished (an
    /// rclone copy cancelled part way leaves its `.partial` file at the target). Cancelling the task
    /// stops them all either way.
    private func forEachChunk(
        _ items: [(offset: Int, element: Manifest.Chunk)], finishUnderWay: Bool,
        _ body: @escaping @Sendable (Int, Manifest.Chunk) async throws -> ChunkStep
    ) async throws -> [ChunkStep] {
        try await withThrowingTaskGroup(of: ChunkStep.self) { group in
            var steps: [ChunkStep] = []
            var failure: Error?
            var running = 0
            func collect() async {
                do {
                    if let step = try await group.next() { steps.append(step) }
                } catch {
                    failure = failure ?? error
                    if !finishUnderWay { group.cancelAll() }
                }
                running -= 1
            }
            for item in items {
                if running >= 2 * max(1, concurrency) { await collect() }
                if failure != nil { break }
                group.addTask { try await body(item.offset, item.element) }
                running += 1
            }
            while running > 0 { await collect() }
            if let failure { throw failure }
            return steps
        }
    }
}
