import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// Ships a spooled backup to each of its policy's destinations, each on its own and at the same time:
/// the chunks first (several at a time, each recorded as it lands, so an interrupted shipment resumes),
/// the manifest last. Every call is retried with backoff and goes through the destination's circuit
/// breaker; a destination whose breaker is open is skipped. The spool is emptied only when every
/// destination holds the backup, and then the policy's signed `latest.json` is published there; a new
/// backup that would leave more than `spool_max` waiting in the spool is failed rather than let fill
/// the disk.
struct Shipper {
    let ctx: AgentContext
    let makeBase: @Sendable (DestinationSpec) throws -> Destination

    init(ctx: AgentContext) {
        let logger = ctx.logger
        self.init(ctx: ctx, makeBase: { try DestinationFactory.makeBase($0, logger: logger) })
    }

    init(ctx: AgentContext, makeBase: @escaping @Sendable (DestinationSpec) throws -> Destination) {
        self.ctx = ctx
        self.makeBase = makeBase
    }

    func ship(id: BackupID, policy: Policy) async throws {
        guard let record = try ctx.catalog.backup(id: id) else { return }
        let fresh = record.copies.allSatisfy { $0.status == .pending }
        let chunks = try ctx.catalog.chunks(id: id)
        let signingKey = try ctx.signingKey()
        let manifest = try ManifestBuilder.build(
            record: record, chunks: chunks, signer: signingKey.fingerprint, objectives: policy.manifestObjectives)
        let signature = try SignedObject.sign(manifest, ctx: ctx)
        let spoolDir = ctx.spoolDirectory(policy: policy.name, id: id)
        let prefix = ctx.objectPrefix(host: record.host, policy: record.policy, id: id)
        let todo = policy.destinations.filter { spec in
            record.copies.contains { $0.destination == DestinationName(spec.name) && $0.status != .shipped }
        }
        if ctx.progress.snapshot.task.isEmpty { ctx.progress.start("ship \(policy.name) \(id)") }
        ctx.progress.shipping(chunksTotal: chunks.count)
        await withTaskGroup(of: Void.self) { group in
            for spec in todo {
                group.addTask {
                    await shipOne(
                        spec, id: id, chunks: chunks, manifest: manifest, signature: signature,
                        spoolDir: spoolDir, prefix: prefix)
                }
            }
        }
        guard let after = try ctx.catalog.backup(id: id) else { return }
        if after.status == .complete {
            CrashPoint.hit("ship.complete")
            try? FileManager.default.removeItem(atPath: spoolDir)
            await LatestIndexWriter(ctx: ctx, destination: shippingDestination).publish(after, policy: policy)
        } else if fresh {
            try enforceSpoolLimit(after, policy: policy, spoolDir: spoolDir)
        }
    }

    func shipOne(
        _ spec: DestinationSpec, id: BackupID, chunks: [Manifest.Chunk], manifest: [UInt8], signature: [UInt8],
        spoolDir: String, prefix: String
    ) async {
        let started = Date()
        do {
            let destination = try shippingDestination(spec)
            let state = try destination.isOpen()
            if state.open {
                let until = state.retryAt.map { Timestamp.iso8601(Date(timeIntervalSince1970: $0)) } ?? "later"
                throw StorageError(
                    .transient, destination: spec.name,
                    "skipped: circuit breaker open until \(until)"
                        + (state.lastError.map { " (last error: \($0))" } ?? ""))
            }
            // A cheap first call: when the breaker has cooled down, this is the single probe that decides.
            _ = try await destination.size(prefix + "manifest.json")
            let done = try ctx.catalog.shippedChunks(id: id, destination: spec.name)
            let pending = chunks.enumerated().filter { !done.contains($0.offset) }.map { ($0.offset, $0.element) }
            try await Self.forEach(pending, concurrency: spec.concurrency) { index, chunk in
                try ChunkCheck.spooled("\(spoolDir)/\(chunk.name)", chunk, destination: spec.name)
                // Just checked against it: the store is handed the sha256 instead of hashing the chunk again.
                try await destination.put(
                    prefix + chunk.name, fromFile: "\(spoolDir)/\(chunk.name)", sha256: chunk.sha256)
                if case .local = spec.location {
                    try await ChunkCheck.landed(destination, key: prefix + chunk.name, chunk)
                }
                CrashPoint.hit("ship.chunk-put")
                try ctx.catalog.recordChunkShipped(id: id, destination: spec.name, index: index, at: ctx.now())
                ctx.progress.chunkDone(at: spec.name)
                CrashPoint.hit("ship.chunk-recorded")
            }
            // The signature before the manifest: a manifest that is there is always signed.
            try await destination.put(prefix + Manifest.signatureName, bytes: signature)
            CrashPoint.hit("ship.signature-put")
            try await destination.put(prefix + "manifest.json", bytes: manifest)
            CrashPoint.hit("ship.manifest-put")
            try ctx.catalog.recordCopy(id: id, destination: spec.name, shipped: true, error: nil, at: ctx.now())
            CrashPoint.hit("ship.copy-recorded")
            let seconds = Date().timeIntervalSince(started)
            ctx.logger.info(
                "\(id) shipped to \(spec.name): \(pending.count) of \(chunks.count) chunks sent in \(String(format: "%.1f", seconds))s"
            )
        } catch {
            let message = (error as? StorageError)?.description ?? String(describing: error)
            ctx.logger.error("\(id) could not be shipped to \(spec.name): \(message)")
            do {
                try ctx.catalog.recordCopy(
                    id: id, destination: spec.name, shipped: false, error: message, at: ctx.now())
            } catch {
                ctx.logger.error("\(id): the catalog did not take the copy's state: \(error)")
            }
        }
    }

    /// The destination as shipping uses it: driver, retries, circuit breaker kept in the catalog.
    func shippingDestination(_ spec: DestinationSpec) throws -> CircuitBreakerDestination {
        let base = try makeBase(spec)
        // The rate limit innermost: every attempt, retries included, pays for what it sends.
        let limited = DestinationFactory.rateLimited(base, spec)
        let retrying = RetryingDestination(limited, retrier: DestinationFactory.retrier(spec, logger: ctx.logger))
        let clock = ctx.now
        return CircuitBreakerDestination(
            retrying, store: CatalogBreakerStore(catalog: ctx.catalog, now: clock),
            settings: CircuitBreaker.Settings(threshold: spec.breaker.failures, coolDown: spec.breaker.coolDown),
            key: DestinationFactory.breakerKey(spec), now: { clock().timeIntervalSince1970 })
    }

    /// Runs `body` over the items, at most `concurrency` at a time; the first error cancels the rest.
    static func forEach<T: Sendable>(
        _ items: [T], concurrency: Int, _ body: @escaping @Sendable (T) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for item in items {
                if running >= max(1, concurrency) {
                    try await group.next()
                    running -= 1
                }
                group.addTask { try await body(item) }
                running += 1
            }
            try await group.waitForAll()
        }
    }

    /// A new backup that could not reach every destination stays in the spool only while the spool is
    /// under `spool_max`; past it the backup is failed, loudly, and its spool removed.
    func enforceSpoolLimit(_ record: BackupRecord, policy: Policy, spoolDir: String) throws {
        guard let limit = ctx.agent.spoolMax?.bytes else { return }
        let used = SpaceProbe.spoolBytes(ctx.agent.spool)
        guard used > limit else { return }
        let waiting = record.copies.filter { $0.status != .shipped }.map(\.destination.rawValue).joined(separator: ", ")
        let message =
            "spool_max \(ByteSize(bytes: limit)) reached: the spool holds \(ByteSize(bytes: used)) not yet at every destination; "
            + "backup not kept for \(waiting)"
        ctx.logger.critical("\(policy.name): \(record.id): \(message)")
        try ctx.catalog.failBackup(id: record.id, error: message, at: ctx.now())
        try? FileManager.default.removeItem(atPath: spoolDir)
    }
}
