import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

/// The `copy` use case: copies backups of a policy from one of its destinations to another, without
/// decrypting anything (see `BackupCopier`), newest first, under the policy's lock. It is also what
/// `run` calls to backfill a destination added to a policy and to refill one that was lost.
package struct CopyUseCase: Sendable {
    package let ctx: AgentContext
    let makeDestination: @Sendable (DestinationSpec) throws -> Destination

    package init(_ ctx: AgentContext) {
        self.init(ctx, makeDestination: DestinationFactory.make)
    }

    init(_ ctx: AgentContext, makeDestination: @escaping @Sendable (DestinationSpec) throws -> Destination) {
        self.ctx = ctx
        self.makeDestination = makeDestination
    }

    /// Which backups to copy.
    package enum Selection: Sendable, Equatable {
        /// The newest live backup the source holds.
        case newest
        /// The one named with `--backup`.
        case backup(RequestedBackup)
        /// Every live backup the source holds, newest first.
        case all
    }

    /// Copies the selected backups of `policy` from destination `from` to destination `to`.
    /// Throws for a usage error (a name the policy does not have, an unknown id) before anything is read.
    package func copy(
        policy: Policy, from: String, to: String, selection: Selection, signerFiles: [String] = []
    ) async throws -> [CopyOutcome] {
        let names = policy.destinations.map(\.name)
        for name in [from, to] where !names.contains(name) {
            throw LifeboatError(
                .usage, "policy \(policy.name) has no destination \(name.debugDescription)",
                hint: "its destinations: \(names.joined(separator: ", "))")
        }
        guard from != to else { throw LifeboatError(.usage, "--from and --to name the same destination \(from)") }
        let records = try select(selection, policy: policy, from: from)
        if records.isEmpty { return [] }
        let signers = try TrustedSigners.load(ctx, extra: signerFiles)
        guard let lock = try PolicyLock.tryAcquire(spool: ctx.agent.spool, policy: policy.name) else {
            throw LifeboatError.failed("\(policy.name): busy in another lifeboat process; nothing copied")
        }
        defer { lock.release() }
        // The rclone process that served the copy ends with it.
        return try await RcloneDaemon.withOwnDaemons {
            try await copy(records, policy: policy, from: from, to: to, signers: signers)
        }
    }

    /// Copies `records` (in the order given) between two of the policy's destinations; the caller holds
    /// the policy's lock. Publishes `latest.json` at the target when the newest complete backup landed.
    /// With `stopWhenUnreachable` (run's backfill), the first copy that fails for want of a destination
    /// ends the list, so a destination that is down costs one backup's retries, not every backup's.
    func copy(
        _ records: [BackupRecord], policy: Policy, from: String, to: String, signers: [OpenPGPVerifyingKey],
        stopWhenUnreachable: Bool = false
    ) async throws -> [CopyOutcome] {
        guard let fromSpec = policy.destinations.first(where: { $0.name == from }),
            let toSpec = policy.destinations.first(where: { $0.name == to })
        else { return [] }
        try? FileManager.default.createDirectory(atPath: ctx.agent.spool, withIntermediateDirectories: true)
        let work = try OwnedFolder(parent: ctx.agent.spool, prefix: Self.workPrefix)
        defer { work.remove() }
        let isLocal: Bool
        if case .local = toSpec.location { isLocal = true } else { isLocal = false }
        // The target's rate_limit holds copies as it holds shipping.
        let target = try makeDestination(toSpec)
        let source = try makeDestination(fromSpec)
        let limited = DestinationFactory.rateLimited(target, toSpec)
        var copier = BackupCopier(
            ctx: ctx, source: source, target: limited,
            concurrency: toSpec.concurrency, checkLanded: isLocal, work: work.path, signers: signers)
        if toSpec.rateLimit == nil, toSpec.deletes, let retrying = target as? RetryingDestination {
            let base = (source as? RetryingDestination)?.base ?? source
            copier.rclonePath = RcloneCopyPath(source: base, target: retrying.base, retrier: retrying.retrier)
        }
        var outcomes: [CopyOutcome] = []
        for record in records {
            let outcome = await copier.copy(record, kind: policy.kind.rawValue)
            outcomes.append(outcome)
            if stopWhenUnreachable, outcome.unreachable, outcomes.count < records.count {
                ctx.logger.warning(
                    "\(policy.name): \(records.count - outcomes.count) more backup(s) for \(to) wait for the next run")
                break
            }
            if outcome.result == .present {
                ctx.logger.info("\(record.id) already whole at \(to): nothing sent")
            } else if outcome.result == .copied {
                ctx.logger.info(
                    "\(record.id) copied from \(from) to \(to): \(outcome.chunksSent) of \(outcome.chunks) chunks sent in \(String(format: "%.1f", outcome.seconds))s"
                )
            }
        }
        if outcomes.contains(where: { $0.result == .copied }),
            let newest = try ctx.catalog.backups(policy: policy.name)
                .filter({ $0.retention == .live && $0.status == .complete }).max(by: { $0.started < $1.started })
        {
            await LatestIndexWriter(ctx: ctx, destination: makeDestination).publish(newest, policy: policy)
        }
        return outcomes
    }

    /// Copy's staging folders in the spool: `.copy-<pid>-XXXXXX`, swept by the next run when their
    /// owner is gone.
    package static let workPrefix = ".copy-"

    /// The catalog's backups the selection names, newest first.
    func select(_ selection: Selection, policy: Policy, from: String) throws -> [BackupRecord] {
        switch selection {
        case .backup(let requested):
            guard let id = requested.id, let record = try ctx.catalog.backup(id: id) else {
                throw LifeboatError(
                    .usage, "no backup \(requested) in the catalog", hint: "lifeboat list --all shows every id")
            }
            guard record.policy == policy.name else {
                throw LifeboatError(.usage, "backup \(id) belongs to policy \(record.policy), not \(policy.name)")
            }
            return [record]
        case .newest, .all:
            let held = try ctx.catalog.backups(policy: policy.name)
                .filter { r in
                    r.retention == .live && r.chunkCount > 0
                        && r.copies.contains { $0.destination == DestinationName(from) && $0.status == .shipped }
                }
                .sorted { $0.started > $1.started }
            if selection == .all { return held }
            guard let newest = held.first else {
                throw LifeboatError.failed("\(policy.name): \(from) holds no backup to copy")
            }
            return [newest]
        }
    }
}
