import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto

/// `run`'s copy step: for each policy whose catalog shows a destination lacking a backup another one
/// holds (see `BackfillPlanner`), copies those backups there, newest first, under the policy's lock.
/// This is how a destination added to a policy receives the backups made before it, and how one that
/// `verify` found emptied is filled again. A copy refused at its source is tried from the next holder.
struct Backfill {
    let ctx: AgentContext

    /// The policies with something to backfill: one catalog query each.
    func policiesNeedingIt(_ policies: [Policy]) throws -> [Policy] {
        try policies.filter {
            try ctx.catalog.hasBackupsToBackfill(policy: $0.name, destinations: $0.destinations.map(\.name))
        }
    }

    /// Copies what each policy's destinations lack; returns every copy's outcome.
    func run(_ policies: [Policy]) async throws -> [CopyOutcome] {
        var outcomes: [CopyOutcome] = []
        let useCase = CopyUseCase(ctx)
        for policy in policies {
            guard let lock = try PolicyLock.tryAcquire(spool: ctx.agent.spool, policy: policy.name) else {
                ctx.logger.info("\(policy.name): busy in another process, backfill skipped")
                continue
            }
            defer { lock.release() }
            let records = try ctx.catalog.backups(policy: policy.name)
            let spooled = Set(
                records.filter {
                    FileManager.default.fileExists(atPath: ctx.spoolDirectory(policy: policy.name, id: $0.id))
                }
                .map(\.id))
            let tasks = BackfillPlanner.plan(
                records.map(BackfillPlanner.Backup.init), destinations: policy.destinations.map(\.name),
                spooled: spooled)
            if tasks.isEmpty { continue }
            let signers = try TrustedSigners.load(ctx)
            let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            // Grouped by source and target, keeping newest-first order inside each pair.
            var pairs: [(from: String, to: String)] = []
            for t in tasks where !pairs.contains(where: { $0.from == t.from && $0.to == t.to }) {
                pairs.append((t.from, t.to))
            }
            for pair in pairs {
                let chosen = tasks.filter { $0.from == pair.from && $0.to == pair.to }.compactMap { byID[$0.id] }
                ctx.logger.info(
                    "\(policy.name): \(pair.to) lacks \(chosen.count) backup(s) that \(pair.from) holds: copying, newest first"
                )
                for var outcome in try await useCase.copy(
                    chosen, policy: policy, from: pair.from, to: pair.to, signers: signers,
                    stopWhenUnreachable: true)
                {
                    if outcome.result == .failed, !outcome.unreachable, let record = byID[outcome.id] {
                        outcome = try await fromAnotherHolder(record, failed: outcome, policy: policy, signers: signers)
                    }
                    outcomes.append(outcome)
                }
            }
        }
        return outcomes
    }

    /// A copy refused at its source (a damaged chunk, a manifest gone or not trusted there) is tried
    /// from the policy's other destinations that hold the backup, in order; the first that works wins,
    /// else the first failure is what is reported.
    func fromAnotherHolder(
        _ record: BackupRecord, failed: CopyOutcome, policy: Policy, signers: [OpenPGPVerifyingKey]
    ) async throws -> CopyOutcome {
        let holders = policy.destinations.map(\.name).filter { name in
            name != failed.from && name != failed.to
                && record.copies.contains { $0.destination == DestinationName(name) && $0.status == .shipped }
        }
        for other in holders {
            ctx.logger.warning("\(record.id): \(failed.error ?? "copy failed"); trying \(other) instead")
            let retry = try await CopyUseCase(ctx).copy(
                [record], policy: policy, from: other, to: failed.to, signers: signers)
            if let outcome = retry.first, outcome.result != .failed { return outcome }
        }
        return failed
    }
}
