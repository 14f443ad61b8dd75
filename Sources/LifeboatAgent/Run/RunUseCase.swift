import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// The `run` use case, the timer's entry point: ships what the spool still holds, backs up the
/// policies that are due (highest priority and most overdue first), prunes what changed, then copies
/// kept backups to any destination of their policy that lacks them (added later, or found lost). Each
/// policy is worked on under its own flock, so overlapping runs never back the same policy up twice.
///
/// When nothing is due it reads one summary query and returns: no keys loaded, no locks taken.
package struct RunUseCase {
    package let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    /// What a run did.
    package struct Report: Sendable {
        /// One line per backup, shipping retry and prune action.
        package var lines: [String] = []
        /// The backups this run made or shipped again, in order (for `run --json`).
        package var backups: [BackupUseCase.Outcome] = []
        /// What prune did to each policy the run touched.
        package var prunes: [PruneUseCase.Report] = []
        package var failed = false
        /// False when nothing was due.
        package var didWork = false
        package var outcome: String { failed ? "failed" : didWork ? "ok" : "idle" }

        package init(failed: Bool = false, lines: [String] = []) {
            self.failed = failed
            self.lines = lines
        }
    }

    /// Runs what is due; the long-lived rclone processes it started are stopped when it ends, however it ends.
    package func run() async throws -> Report {
        try await RcloneDaemon.withOwnDaemons { try await runDue() }
    }

    private func runDue() async throws -> Report {
        let policies = ctx.configuration.policies
        let names = policies.map(\.name)
        // Credentials and plaintext a killed run left go first, even when nothing is due.
        StaleStateRepair.sweepTemporaries(ctx)
        // Archived WAL a wal-push could not ship (a destination was down) goes out with every run.
        for p in policies where WALPolicySelection.archivesWAL(p) {
            let wal = await WALShipper(ctx: ctx, policy: p).ship(waiting: true)
            for problem in wal.problems { ctx.logger.warning("\(p.name): WAL waits in the spool: \(problem)") }
        }
        var summaries = try ctx.catalog.policySummaries(names, now: ctx.now())
        var repaired = false
        if summaries.contains(where: { $0.lastStatus == .running }) {
            // A backup marked running: repair it if its process is gone, then read again.
            try StaleStateRepair.run(ctx)
            repaired = true
            summaries = try ctx.catalog.policySummaries(names, now: ctx.now())
        }
        let now = ctx.now()
        var byName = Dictionary(summaries.map { ($0.policy, $0) }, uniquingKeysWith: { a, _ in a })
        let toShip = policies.filter { (byName[$0.name]?.unshipped ?? 0) > 0 }
        let due = Scheduler.duePolicies(policies, summaries: byName, now: now)
        let graceDue = policies.filter { p in
            guard let s = byName[p.name] else { return false }
            let dg = TimeInterval(p.retention.deletedGrace.seconds)
            let sg = TimeInterval(p.retention.softDeletedGrace.seconds)
            return (s.oldestDeleted.map { now.timeIntervalSince($0) >= dg } ?? false)
                || (s.oldestSoftDeleted.map { now.timeIntervalSince($0) >= sg } ?? false)
        }
        let backfill = Backfill(ctx: ctx)
        let toBackfill = try backfill.policiesNeedingIt(policies)
        let binlogDue = try policies.filter { p in
            guard p.binlog != nil else { return false }
            return BinlogArchiver.isDue(p, archived: try ctx.catalog.archivedBinlogs(policy: p.name), now: now)
        }
        var report = Report()
        if toShip.isEmpty && due.isEmpty && graceDue.isEmpty && toBackfill.isEmpty && binlogDue.isEmpty {
            // With -v, say when each policy is next due, so "nothing happened" is not a mystery.
            for p in policies {
                let s = byName[p.name]
                let decision = Scheduler.decide(
                    interval: p.interval, state: s.map(Scheduler.State.init) ?? Scheduler.State(), now: now,
                    running: s?.lastStatus == .running)
                if case .notDue(let next, let running) = decision {
                    ctx.logger.info(
                        "\(p.name): \(running ? "a backup is running" : "not due") until \(Timestamp.iso8601(next)) (every \(p.interval))"
                    )
                }
            }
            finish(&report, summaries: summaries)
            return report
        }
        report.didWork = true
        if !toShip.isEmpty || !due.isEmpty {
            _ = try ctx.signingKey()
            // A bucket that would take our objects unlocked is refused before anything goes there.
            let logger = ctx.logger
            try await ObjectLockKeeper.checkBuckets(
                toShip + due.map { $0.0 }.filter { p in !toShip.contains { $0.name == p.name } },
                logger: { logger.warning("\($0)") })
        }
        // Work to do: first repair what a killed run may have left (a backup marked running, a spool
        // folder nothing needs), as `backup` does, unless that was done above.
        if !repaired { try StaleStateRepair.run(ctx) }
        var touched = Set(graceDue.map(\.name))

        for outcome in try await ShipUseCase(ctx).shipPending(policies: toShip) {
            var line = "\(outcome.policy) \(outcome.id) \(outcome.status) (shipping retried)"
            if let m = outcome.message { line += ": \(m)" }
            report.lines.append(line)
            report.backups.append(
                BackupUseCase.Outcome(
                    policy: outcome.policy, id: outcome.id, status: outcome.status,
                    message: "shipping retried" + (outcome.message.map { ": \($0)" } ?? "")))
            if outcome.status != .complete { report.failed = true }
            touched.insert(outcome.policy)
        }

        CrashPoint.hit("run.shipped")
        for (policy, _) in due {
            guard let lock = try PolicyLock.tryAcquire(spool: ctx.agent.spool, policy: policy.name) else {
                ctx.logger.info("\(policy.name): busy in another process, backup skipped")
                continue
            }
            defer { lock.release() }
            // Another run may have backed it up while we waited: decide again under the lock.
            let fresh = try ctx.catalog.policySummaries([policy.name], now: ctx.now()).first
            if let fresh { byName[policy.name] = fresh }
            let decision = Scheduler.decide(
                interval: policy.interval, state: fresh.map(Scheduler.State.init) ?? Scheduler.State(), now: ctx.now(),
                running: fresh?.lastStatus == .running)
            guard decision.isDue else { continue }
            let outcome = await BackupUseCase(ctx).backUp(policy)
            var line = "\(outcome.policy) \(outcome.id?.rawValue ?? "-") \(outcome.status)"
            if let m = outcome.message { line += ": \(m)" }
            report.lines.append(line)
            report.backups.append(outcome)
            if outcome.status != .complete { report.failed = true }
            touched.insert(policy.name)
        }

        // Binary logs after the dumps: a new dump's position is then the start of what is needed.
        for policy in binlogDue {
            guard let lock = try PolicyLock.tryAcquire(spool: ctx.agent.spool, policy: policy.name) else {
                ctx.logger.info("\(policy.name): busy in another process, binlog archiving skipped")
                continue
            }
            defer { lock.release() }
            let archived = try ctx.catalog.archivedBinlogs(policy: policy.name)
            guard BinlogArchiver.isDue(policy, archived: archived, now: ctx.now()) else { continue }
            let outcome = await BinlogArchiver(ctx: ctx).archive(policy)
            report.lines += outcome.lines
            if outcome.failed { report.failed = true }
            touched.insert(policy.name)
        }

        CrashPoint.hit("run.before-prune")
        let prune = PruneUseCase(ctx)
        for policy in policies where touched.contains(policy.name) {
            let r = await prune.prune(policy)
            if r.plan.refused == nil { report.lines += r.lines(dryRun: false) }
            report.prunes.append(r)
            if !r.errors.isEmpty { report.failed = true }
        }
        // Archived binary logs go once no dump that is not yet purged needs them.
        for policy in policies where policy.binlog != nil && touched.contains(policy.name) {
            let (lines, failed) = await BinlogPruner(ctx: ctx).prune(policy)
            report.lines += lines
            if failed { report.failed = true }
        }
        // Locks of the backups retention keeps are lengthened before they run out.
        let keeper = ObjectLockKeeper(ctx: ctx)
        for policy in policies where !ObjectLockKeeper.lockedDestinations(policy).isEmpty {
            let (extended, errors) = await keeper.extend(policy)
            report.lines += extended + errors
            if !errors.isEmpty { report.failed = true }
        }

        // Last, on what retention kept: destinations added to a policy, or found lost, are filled from another.
        do {
            for outcome in try await backfill.run(try backfill.policiesNeedingIt(policies)) {
                report.lines.append(Self.line(outcome))
                if outcome.result == .failed { report.failed = true }
            }
        } catch {
            report.lines.append(
                "backfill failed: \((error as? LifeboatError)?.description ?? String(describing: error))")
            report.failed = true
        }
        finish(&report, summaries: nil)
        return report
    }

    /// The report line of one backfill copy.
    static func line(_ o: CopyOutcome) -> String {
        let what = "\(o.policy) \(o.id) copied from \(o.from) to \(o.to) (backfill)"
        switch o.result {
        case .failed: return "\(o.policy) \(o.id) backfill from \(o.from) to \(o.to) failed: \(o.error ?? "")"
        case .present: return "\(what): already there"
        case .copied: return "\(what): \(o.chunksSent) of \(o.chunks) chunks sent"
        }
    }

    /// Counts the run, refreshes the metrics textfile and pings the heartbeat. None of these fails the run.
    func finish(_ report: inout Report, summaries: [PolicySummary]?) {
        do {
            try ctx.catalog.countRun(command: "run", outcome: report.outcome, at: ctx.now())
        } catch {
            ctx.logger.warning("run counter not updated: \(error)")
        }
        MetricsTextfile.refresh(ctx, summaries: summaries)
    }

    /// Pings the heartbeat URL, when configured, for the run's outcome: success, or `/fail` with the
    /// result lines and the last log lines.
    package func heartbeat(_ report: Report) async {
        guard let url = ctx.agent.heartbeatURL else { return }
        if report.failed {
            let failedLines = report.lines.filter { !$0.hasSuffix(" complete") && !$0.contains(" complete (") }
            await Heartbeat(url: url).send(.failure(body: Heartbeat.failureBody(failedLines)), logger: ctx.logger)
        } else {
            await Heartbeat(url: url).send(.success, logger: ctx.logger)
        }
    }

    /// Pings `<heartbeat_url>/start`, when configured: the work begins.
    package func heartbeatStart() async {
        guard let url = ctx.agent.heartbeatURL else { return }
        await Heartbeat(url: url).send(.start, logger: ctx.logger)
    }
}
