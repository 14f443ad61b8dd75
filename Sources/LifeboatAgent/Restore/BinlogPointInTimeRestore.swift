import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatPipeline
import LifeboatSources
import LifeboatStorage

/// `restore POLICY --until TIME --into DSN` for a mariadb policy that archives binary logs: loads the
/// newest dump that ended at or before TIME into the target database, then replays the archived logs
/// from the position that dump is consistent with up to TIME (`mariadb-binlog --start-position
/// --stop-datetime | mariadb`). Everything that can be checked is checked before the target is touched:
/// the policy, the time against the possible range, every log's signature and an unbroken run of logs.
package enum BinlogPointInTimeRestore {
    /// What was restored: the dump, then the logs replayed over it.
    package struct Result: Sendable {
        package var dump: RestoreUseCase.Result
        package var logs: [String]
        package var until: PointInTime
    }

    package static func restoreInto(
        _ ctx: AgentContext, _ request: RestoreUseCase.Request, into dsn: String, until: PointInTime
    ) async throws -> Result {
        let policy = request.policy
        guard case .mariadb(let source) = policy.source, policy.binlog != nil, source.databases == nil,
            source.snapshot == nil
        else {
            throw LifeboatError(
                .usage,
                "--until replays binary logs: policy \(policy.name) is not a single-database mariadb dump with binlog: { every: ... }"
            )
        }
        guard request.backupID == nil else {
            throw LifeboatError(.usage, "--until picks the dump itself; leave --backup out")
        }
        try DatabaseLoader.refusePassword(in: dsn, kind: .mariadb)
        let target = try MariaDBEndpoint(dsn: dsn)
        let dumps = try ctx.catalog.backups(policy: policy.name)
            .filter { $0.binlogPosition != nil && $0.finished != nil && $0.copies.contains { $0.status == .shipped } }
            .sorted { ($0.finished ?? .distantPast) < ($1.finished ?? .distantPast) }
        let signers = try TrustedSigners.load(ctx, extra: request.signerFiles)
        guard let oldest = dumps.first, let oldestFinished = oldest.finished, let oldestPosition = oldest.binlogPosition
        else {
            throw LifeboatError.failed(
                "policy \(policy.name): no dump with a binary log position in the catalog; --until needs one",
                hint: "take a backup with binlog: set (lifeboat backup \(policy.name))")
        }
        // The logs, from the first one the oldest dump needs, as the first destination that answers holds them.
        let (logs, destinationSpec) = try await readLogs(
            ctx, policy: policy, host: oldest.host, from: oldestPosition.file, signers: signers)
        // Binary log times are whole seconds: a log rotated at 12:00:01.5 may leave events of 12:00:01 to
        // the next one, so the last second it covers whole is 12:00:00.
        let newest = logs.logs.last.map { Self.lastWholeSecond($0.rotatedDate) }
        let range =
            "from \(Timestamp.iso8601(oldestFinished)) to \(newest.map(Timestamp.iso8601) ?? "(no archived binary log yet)")"
        guard let newest, until.date >= oldestFinished, until.date < newest.addingTimeInterval(1) else {
            throw LifeboatError(
                .usage, "--until \(until) is outside what policy \(policy.name) can restore: \(range)")
        }
        guard let dump = dumps.last(where: { ($0.finished ?? .distantFuture) <= until.date }),
            let position = dump.binlogPosition
        else {
            throw LifeboatError(.usage, "--until \(until) is outside what policy \(policy.name) can restore: \(range)")
        }
        // The unbroken run of logs from the dump's own: TIME must fall before the last of them was rotated.
        let replay = logs.run(from: position.file)
        guard let last = replay.last, until.date < Self.lastWholeSecond(last.rotatedDate).addingTimeInterval(1) else {
            let gap = logs.firstGap(from: position.file) ?? position.file
            throw LifeboatError.failed(
                "binary log \(gap) is not archived at \(destinationSpec.name): a replay from \(position) cannot reach \(until)"
            )
        }
        try MariaDBLoader.requireEmptyTarget(target)

        // The dump first, through the ordinary restore --into path.
        var dumpRequest = request
        dumpRequest.backupID = .id(dump.id)
        let loaded = try await DatabaseLoader.restoreInto(ctx, dumpRequest, into: dsn)

        // Then the logs: fetched, decrypted and checked into a private work folder, then replayed.
        try? FileManager.default.createDirectory(atPath: ctx.agent.spool, withIntermediateDirectories: true)
        let workFolder = try OwnedFolder(parent: ctx.agent.spool, prefix: RestoreUseCase.workPrefix)
        defer { workFolder.remove() }
        let destination = try DestinationFactory.makeReading(destinationSpec, logger: ctx.logger)
        var files: [String] = []
        for log in replay {
            let prefix = BinlogManifest.prefix(host: dump.host, policy: policy.name, name: log.name)
            let path = "\(workFolder.path)/\(log.name)"
            let file = try FileSink(path: path)
            let hasher = PayloadHasher(next: file)
            do {
                _ = try await ChunkStream(
                    fetcher: ChunkFetcher(destinations: [destination], prefix: prefix, workDirectory: workFolder.path),
                    keys: [request.identity], logger: ctx.logger, backup: "binlog \(log.name)"
                ).run(log.chunks, compression: log.algorithm, into: hasher)
            } catch {
                file.abandon()
                throw error
            }
            guard hasher.size == log.payloadSize, hasher.sha256 == log.payloadSHA256 else {
                throw LifeboatError.failed("binary log \(log.name) decrypted to other bytes than its manifest names")
            }
            files.append(path)
        }
        try BinlogReplay(
            source: source.database, target: target, start: position, until: until.date, files: files
        ).run()
        return Result(dump: loaded, logs: replay.map(\.name), until: until)
    }

    /// The last whole second before `rotated`: every event of it is in the logs rotated by then.
    static func lastWholeSecond(_ rotated: Date) -> Date {
        Date(timeIntervalSince1970: rotated.timeIntervalSince1970.rounded(.down) - 1)
    }

    /// The trusted logs of the destination that holds the newest of them (the first such in the policy's
    /// order): a destination that lost its copies, or was added later, does not hide the others'.
    static func readLogs(
        _ ctx: AgentContext, policy: Policy, host: String, from first: String, signers: [OpenPGPVerifyingKey]
    ) async throws -> (BinlogCatalogue, DestinationSpec) {
        var problems: [String] = []
        var best: (BinlogCatalogue, DestinationSpec)?
        for spec in policy.destinations {
            do {
                let destination = try DestinationFactory.makeReading(spec, logger: ctx.logger)
                let logs = try await BinlogCatalogue.read(
                    destination, host: host, policy: policy.name, from: BinlogPosition.sequence(of: first) ?? 0,
                    signers: signers, now: ctx.now())
                let newest = logs.logs.last.flatMap { BinlogPosition.sequence(of: $0.name) } ?? -1
                let bestNewest = best.flatMap { $0.0.logs.last.flatMap { BinlogPosition.sequence(of: $0.name) } } ?? -1
                if best == nil || newest > bestNewest { best = (logs, spec) }
            } catch {
                problems.append("\(spec.name): \(error)")
                ctx.logger.warning("binary logs at \(spec.name) not read: \(error)")
            }
        }
        guard let best else {
            throw LifeboatError.failed(
                "policy \(policy.name): no destination lists its binary logs: " + problems.joined(separator: "; "))
        }
        return best
    }
}

extension BinlogManifest {
    /// `compression` as the algorithm it names (checked when read).
    var algorithm: CompressionAlgorithm { CompressionAlgorithm(rawValue: compression) ?? .gzip }
}
