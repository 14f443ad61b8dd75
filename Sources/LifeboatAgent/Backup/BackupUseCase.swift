import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore

/// The `backup` use case: back up the named policies now, ship each, and report one line per backup.
package struct BackupUseCase {
    package let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    /// One line of the report.
    package struct Outcome: Sendable {
        package let policy: String
        package let id: BackupID?
        package let status: BackupStatus
        package let message: String?
    }

    /// Runs the backups in order; a failed one does not stop the others.
    package func run(policies: [Policy]) async throws -> [Outcome] {
        try Self.checkRecipients(policies)
        // The signing key (made here the first time): a bad key file is exit 65 before anything is written.
        _ = try ctx.signingKey()
        let logger = ctx.logger
        try await ObjectLockKeeper.checkBuckets(policies, logger: { logger.warning("\($0)") })
        try StaleStateRepair.run(ctx)
        // What an interrupted run left in the spool goes out first, as `run` does.
        var outcomes = try await ShipUseCase(ctx).shipPending(policies: policies).map {
            Outcome(policy: $0.policy, id: $0.id, status: $0.status, message: $0.message)
        }
        for policy in policies {
            // The same per-policy lock `run` takes, so a manual backup and a timer run never overlap.
            guard let lock = try PolicyLock.tryAcquire(spool: ctx.agent.spool, policy: policy.name) else {
                outcomes.append(
                    Outcome(
                        policy: policy.name, id: nil, status: .failed,
                        message: "another lifeboat process is working on this policy; try again later"))
                continue
            }
            outcomes.append(await backUp(policy))
            lock.release()
        }
        return outcomes
    }

    /// Loads every recipient key of the policies: a bad or secret key file is exit 65, before anything is written.
    package static func checkRecipients(_ policies: [Policy]) throws {
        for p in policies { _ = try KeyLoading.recipients(of: p) }
    }

    /// Makes every destination's driver, which loads S3 credentials: a missing or unreadable credentials
    /// file (or no credentials at all) is exit 65 now, not a shipping failure after the dump.
    package static func checkDestinations(_ policies: [Policy]) throws {
        for p in policies {
            for spec in p.destinations {
                do {
                    _ = try DestinationFactory.makeBase(spec)
                } catch let e as LifeboatError where e.kind == .badInput {
                    throw LifeboatError.badInput(p.file, "destination \(spec.name): \(e.message)", hint: e.hint)
                }
            }
        }
    }

    /// Loads the host's signing key when its file exists: one that is not a signing key, is protected,
    /// or that others can read is exit 65, before anything is written. (A missing one is made later.)
    package static func checkSigningKey(_ agent: AgentConfig) throws {
        _ = try HostSigningKey.load(path: agent.signingKey)
    }

    /// One policy's backup between its hooks: `before` may stop it; `after` or `on_failure` follow it.
    func backUp(_ policy: Policy) async -> Outcome {
        if let shared = FailureDomains.sharedDomainWarning(policy) { ctx.logger.warning("\(policy.name): \(shared)") }
        guard let url = policy.heartbeatURL else { return await politely(policy) }
        let heartbeat = Heartbeat(url: url)
        await heartbeat.send(.start, logger: ctx.logger)
        let outcome = await politely(policy)
        if outcome.status == .complete {
            await heartbeat.send(.success, logger: ctx.logger)
        } else {
            let line =
                "\(policy.name) \(outcome.id?.rawValue ?? "-") \(outcome.status)"
                + (outcome.message.map { ": \($0)" } ?? "")
            await heartbeat.send(.failure(body: Heartbeat.failureBody([line])), logger: ctx.logger)
        }
        return outcome
    }

    /// With the policy's nice and ionice, when it sets them.
    func politely(_ policy: Policy) async -> Outcome {
        guard policy.nice != nil || policy.ionice != nil else { return await hooksAndBackUp(policy) }
        // nice and ionice hold for the hooks, the dump and the shipping, then what was there comes back.
        let priority = ProcessPriority(nice: policy.nice, io: policy.ionice)
        let (saved, problems) = priority.apply()
        for p in problems { ctx.logger.warning("\(policy.name): \(p)") }
        let keeper = priority.keep()
        defer {
            keeper.stop()
            for p in priority.restore(saved) { ctx.logger.warning("\(policy.name): putting the priority back: \(p)") }
        }
        return await hooksAndBackUp(policy)
    }

    func hooksAndBackUp(_ policy: Policy) async -> Outcome {
        guard !policy.hooks.isEmpty else { return await takeAndShip(policy) }
        let hooks = HookRunner(policy: policy, logger: ctx.logger)
        let outcome: Outcome
        if let problem = try? await BlockingWork.run({ hooks.before() }) {
            // Nothing is taken: the catalog has no row for it, and the result line says why.
            outcome = Outcome(policy: policy.name, id: nil, status: .failed, message: problem)
        } else {
            outcome = await takeAndShip(policy)
        }
        _ = try? await BlockingWork.run {
            hooks.afterward(id: outcome.id, status: outcome.status, error: outcome.message)
        }
        return outcome
    }

    func takeAndShip(_ policy: Policy) async -> Outcome {
        let spooled: BackupJob.Spooled
        do {
            let job = BackupJob(ctx: ctx, policy: policy)
            spooled = try await BlockingWork.run { try job.run() }
        } catch {
            // The result line says why; the log repeats it only when -v asks for progress.
            ctx.logger.info("\(policy.name): backup failed: \(error)")
            return Outcome(policy: policy.name, id: nil, status: .failed, message: String(describing: error))
        }
        let shipper = Shipper(ctx: ctx)
        do {
            try await shipper.ship(id: spooled.id, policy: policy)
            let record = try ctx.catalog.backup(id: spooled.id)
            let status = record?.status ?? .failed
            let failures =
                record?.copies.filter { $0.status != .shipped }
                .map { "\($0.destination): \($0.error ?? $0.status.rawValue)" } ?? []
            return Outcome(
                policy: policy.name, id: spooled.id, status: status,
                message: failures.isEmpty ? nil : failures.joined(separator: "; "))
        } catch {
            return Outcome(policy: policy.name, id: spooled.id, status: .failed, message: String(describing: error))
        }
    }
}
