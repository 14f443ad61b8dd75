import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatPipeline
import LifeboatSources
import LifeboatStorage

/// Archives a mariadb policy's binary logs between dumps (`binlog: { every: ... }`): rotates the log,
/// reads every closed log not yet archived from the server, and ships each through the backup pipeline
/// (compressed, encrypted to the policy's recipients, chunked, signed) to every destination as its own
/// object under `<host>/<policy>/binlog/<name>/`. A log is recorded in the catalog only once every
/// destination holds it; one that did not reach them all is read again by the next run and shipped to
/// the destinations that do not hold it yet (`holds`).
struct BinlogArchiver {
    let ctx: AgentContext

    /// What archiving one policy did.
    struct Outcome: Sendable {
        var lines: [String] = []
        var failed = false
    }

    /// Whether `policy` archives binary logs and its last rotation is `every` old or older.
    static func isDue(_ policy: Policy, archived: [ArchivedBinlog], now: Date) -> Bool {
        guard let spec = policy.binlog else { return false }
        guard let newest = archived.map(\.rotated).max() else { return true }
        return now.timeIntervalSince(newest) >= TimeInterval(spec.every.seconds)
    }

    /// The first log sequence a replay from the oldest kept dump needs; nil when no dump recorded a position.
    static func firstNeeded(_ backups: [BackupRecord]) -> Int? {
        backups.filter { $0.status == .complete || $0.status == .degraded }
            .compactMap { $0.binlogPosition.flatMap { BinlogPosition.sequence(of: $0.file) } }.min()
    }

    func archive(_ policy: Policy) async -> Outcome {
        var outcome = Outcome()
        guard case .mariadb(let source) = policy.source, policy.binlog != nil else { return outcome }
        do {
            // A plaintext log a killed run left goes first (the policy's lock is ours: nothing else uses it).
            try? FileManager.default.removeItem(atPath: Self.spoolFolder(ctx, policy: policy.name) + "/.fetch")
            let server = MariaDBBinlogServer(endpoint: PayloadSource.endpoint(source))
            try server.rotate()
            let rotated = ctx.now()
            let logs = try server.logs()
            let closed = logs.dropLast()
            let archived = Set(try ctx.catalog.archivedBinlogs(policy: policy.name).map(\.name))
            let start = Self.firstNeeded(try ctx.catalog.backups(policy: policy.name)) ?? 0
            let todo = closed.filter {
                !archived.contains($0.name) && (BinlogPosition.sequence(of: $0.name) ?? -1) >= start
            }
            if todo.isEmpty {
                outcome.lines.append("\(policy.name) binlog rotated; nothing new to archive")
                return outcome
            }
            let recipients = try KeyLoading.recipients(of: policy)
            let signer = try ctx.signingKey().fingerprint
            for log in todo {
                do {
                    let shipped = try await archiveOne(
                        log, policy: policy, server: server, rotated: rotated, recipients: recipients, signer: signer)
                    outcome.lines.append("\(policy.name) binlog \(log.name) archived (\(shipped) bytes)")
                } catch {
                    outcome.lines.append("\(policy.name) binlog \(log.name) failed: \(Self.text(error))")
                    outcome.failed = true
                    break  // the next log would leave a gap behind it; the next run tries this one again
                }
            }
        } catch {
            outcome.lines.append("\(policy.name) binlog archiving failed: \(Self.text(error))")
            outcome.failed = true
        }
        return outcome
    }

    /// Reads, spools and ships one log; returns the bytes shipped to each destination.
    func archiveOne(
        _ log: MariaDBBinlogServer.Log, policy: Policy, server: MariaDBBinlogServer, rotated: Date,
        recipients: [OpenPGPPublicKey], signer: String
    ) async throws -> Int64 {
        let base = Self.spoolFolder(ctx, policy: policy.name)
        let fetchDir = "\(base)/.fetch"
        let spoolDir = "\(base)/\(log.name)"
        defer {
            try? FileManager.default.removeItem(atPath: fetchDir)
            try? FileManager.default.removeItem(atPath: spoolDir)
        }
        try? FileManager.default.removeItem(atPath: spoolDir)
        try FileManager.default.createDirectory(atPath: fetchDir, withIntermediateDirectories: true)
        let path = try server.fetch(log.name, into: fetchDir)
        let pipeline = BackupPipeline(
            recipients: recipients, compressionLevel: policy.compressionLevel, chunkSize: policy.chunkSize.bytes,
            spoolDirectory: spoolDir, compression: policy.compression)
        let (_, spooled) = try pipeline.run { sink in
            try FileFeeder.feed(path: path, into: sink)
            try sink.finish()
        }
        try? FileManager.default.removeItem(atPath: path)
        let manifest = BinlogManifest(
            host: ctx.agent.host, policy: policy.name, name: log.name, rotated: rotated,
            compression: policy.compression, recipients: recipients.map(\.fingerprint), signer: signer,
            payloadSize: spooled.payloadSize, payloadSHA256: spooled.payloadSHA256, bytesOut: spooled.bytesOut,
            chunks: spooled.chunks)
        let bytes = try DestinationJSON.encode(manifest)
        let signature = try SignedObject.sign(bytes, ctx: ctx)
        let prefix = BinlogManifest.prefix(host: ctx.agent.host, policy: policy.name, name: log.name)
        let shipper = Shipper(ctx: ctx)
        let signers = (try? TrustedSigners.load(ctx)) ?? []
        let (host, now) = (ctx.agent.host, ctx.now())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for spec in policy.destinations {
                group.addTask {
                    let destination = try shipper.shippingDestination(spec)
                    // A destination an earlier run reached is not sent the log again.
                    if await Self.holds(
                        destination, prefix: prefix, log: log.name, host: host, policy: policy.name,
                        size: spooled.payloadSize, sha256: spooled.payloadSHA256, signers: signers, now: now)
                    {
                        return
                    }
                    for chunk in spooled.chunks {
                        try ChunkCheck.spooled("\(spoolDir)/\(chunk.name)", chunk, destination: spec.name)
                        try await destination.put(prefix + chunk.name, fromFile: "\(spoolDir)/\(chunk.name)")
                    }
                    try await destination.put(prefix + Manifest.signatureName, bytes: signature)
                    try await destination.put(prefix + "manifest.json", bytes: bytes)
                }
            }
            try await group.waitForAll()
        }
        try ctx.catalog.recordBinlog(
            policy: policy.name,
            ArchivedBinlog(
                name: log.name, sequence: BinlogPosition.sequence(of: log.name) ?? 0, size: spooled.payloadSize,
                sha256: spooled.payloadSHA256, rotated: rotated, archived: ctx.now()))
        return spooled.bytesOut
    }

    /// Where logs are read and spooled: `<spool>/<policy>/.binlog`, a dot folder the spool sweep of a
    /// concurrent process leaves alone (it removes only folders named like backups it knows are done).
    static func spoolFolder(_ ctx: AgentContext, policy: String) -> String {
        "\(ctx.agent.spool)/\(policy)/.binlog"
    }

    static func text(_ error: Error) -> String {
        (error as? LifeboatError)?.description ?? (error as? StorageError)?.description ?? String(describing: error)
    }
}
