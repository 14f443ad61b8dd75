import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatPipeline

/// Takes one backup of one policy into the spool: source -> gzip members -> OpenPGP -> chunks,
/// recorded in the catalog as `running`, then `pending` once every chunk is safely spooled.
struct BackupJob {
    let ctx: AgentContext
    let policy: Policy

    /// The outcome of the spooling step.
    struct Spooled: Sendable {
        let id: BackupID
        let bytesIn: Int64
        let bytesOut: Int64
        let chunks: [Manifest.Chunk]
        let warnings: [String]
    }

    func run() throws -> Spooled {
        if policy.nice != nil || policy.ionice != nil {
            // This runs on a dispatch worker, which may have put its own priority back: set it again.
            ProcessPriority(nice: policy.nice, io: policy.ionice).reassert()
        }
        let recipients = try KeyLoading.recipients(of: policy)
        let source = try PayloadSource.make(
            for: policy, logger: ctx.logger,
            stateDirectory: (ctx.agent.catalog as NSString).deletingLastPathComponent + "/snapshots")
        let started = ctx.now()
        let id = BackupID(date: started)
        let spoolDir = ctx.spoolDirectory(policy: policy.name, id: id)
        let room = try spoolRoom()
        try ctx.catalog.beginBackup(
            id: id, policy: policy.name, host: ctx.agent.host, kind: policy.kind.rawValue, payload: source.payload,
            started: started, recipients: recipients.map(\.fingerprint), destinations: policy.destinations.map(\.name))
        // A stop signal while spooling fails the backup and removes its spool before the process ends.
        let catalog = ctx.catalog
        let now = ctx.now
        let stop = StopSignals.onStop { sig in
            try? FileManager.default.removeItem(atPath: spoolDir)
            try? catalog.failBackup(id: id, error: StopSignals.reason(sig), at: now())
        }
        defer { StopSignals.remove(stop) }
        do {
            let pipeline = BackupPipeline(
                recipients: recipients, compressionLevel: policy.compressionLevel, chunkSize: policy.chunkSize.bytes,
                spoolDirectory: spoolDir, maxSpoolBytes: room, compression: policy.compression)
            ctx.progress.start("backup \(policy.name)")
            let (report, spooled) = try pipeline.run(meter: ctx.progress) { try source.produce($0, id) }
            let warnings = report.warnings
            for w in warnings { ctx.logger.warning("\(policy.name): \(w)") }
            CrashPoint.hit("backup.spooled")
            try ctx.catalog.sealBackup(
                id: id, chunks: spooled.chunks, bytesIn: spooled.bytesIn, bytesOut: spooled.bytesOut,
                lockWindowMs: report.lockWindowMs, finished: ctx.now(), skipped: report.skipped,
                payloadSHA256: spooled.payloadSHA256, compression: policy.compression,
                wal: report.wal, binlogPosition: report.binlogPosition)
            CrashPoint.hit("backup.sealed")
            return Spooled(
                id: id, bytesIn: spooled.bytesIn, bytesOut: spooled.bytesOut, chunks: spooled.chunks, warnings: warnings
            )
        } catch {
            try? FileManager.default.removeItem(atPath: spoolDir)
            let reason = StopSignals.received.map(StopSignals.reason) ?? String(describing: error)
            try? ctx.catalog.failBackup(id: id, error: reason, at: ctx.now())
            throw error
        }
    }

    /// What the spool may still take under `spool_max` (nil: no limit). A full spool refuses the backup
    /// before anything is recorded, loudly, rather than filling the disk.
    func spoolRoom() throws -> Int64? {
        guard let limit = ctx.agent.spoolMax?.bytes else { return nil }
        let used = SpaceProbe.spoolBytes(ctx.agent.spool)
        guard used < limit else {
            throw LifeboatError.failed(
                "spool_max \(ByteSize(bytes: limit)) reached: the spool holds \(ByteSize(bytes: used)) still to ship; "
                    + "new backups are refused until it drains",
                hint: "bring the failing destination back (lifeboat run ships the spool) or raise spool_max")
        }
        return limit - used
    }
}
