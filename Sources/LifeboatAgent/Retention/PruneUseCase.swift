import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// The `prune` use case: plans retention for each policy and carries the plan out under the
/// policy's lock: live -> deleted -> soft-deleted -> purged, with the purge removing every object of
/// the backup at every destination, the manifest first, before the catalog calls it purged.
package struct PruneUseCase {
    package let ctx: AgentContext
    package let dryRun: Bool
    /// Makes the destination of a spec; tests put a recording wrapper here.
    let makeDestination: (DestinationSpec) throws -> Destination

    package init(_ ctx: AgentContext, dryRun: Bool = false) {
        self.init(ctx, dryRun: dryRun, makeDestination: DestinationFactory.make)
    }

    /// With the destinations made by `makeDestination` (tests wrap them to watch the order of removals).
    package init(_ ctx: AgentContext, dryRun: Bool, makeDestination: @escaping (DestinationSpec) throws -> Destination)
    {
        self.ctx = ctx
        self.dryRun = dryRun
        self.makeDestination = makeDestination
    }

    /// What prune did (or would do) to one policy.
    package struct Report: Sendable {
        package var policy: String
        package var plan: RetentionPlanner.Plan
        /// Actions carried out (all planned actions on a dry run).
        package var done: [RetentionPlanner.Action] = []
        package var errors: [String] = []
        /// Purges put off because the backup's objects are still locked (Object Lock): one line each.
        package var waiting: [String] = []
        /// Another process holds the policy's lock.
        package var busy = false
        /// Archived WAL files removed (or, on a dry run, that would be): needed by no base backup left.
        package var walRemoved = 0

        /// One line per action, for people; a dry run says "would".
        package func lines(dryRun: Bool) -> [String] {
            if busy { return ["\(policy): skipped, another lifeboat process is working on it"] }
            if let refused = plan.refused { return ["\(policy): nothing pruned, \(refused)"] }
            var out = done.map { "\(policy): \(dryRun ? "would " : "")\($0.kind.rawValue) \($0.id) (\($0.reason))" }
            if walRemoved > 0 {
                out.append(
                    "\(policy): \(dryRun ? "would remove" : "removed") \(walRemoved) archived WAL files no base backup needs"
                )
            }
            out += waiting.map { "\(policy): \($0)" }
            out += errors.map { "\(policy): error: \($0)" }
            return out
        }
    }

    package func run(policies: [Policy]) async -> [Report] {
        var reports: [Report] = []
        for p in policies { reports.append(await prune(p)) }
        return reports
    }

    func prune(_ policy: Policy) async -> Report {
        var report = Report(policy: policy.name, plan: RetentionPlanner.Plan())
        var lock: PolicyLock?
        do {
            if !dryRun {
                lock = try PolicyLock.tryAcquire(spool: ctx.agent.spool, policy: policy.name)
                if lock == nil {
                    report.busy = true
                    return report
                }
            }
            defer { lock?.release() }
            let now = ctx.now()
            let summary = try ctx.catalog.policySummaries([policy.name]).first
            let verdict = Compliance.evaluate(
                policy: policy.name, rpo: policy.objectives.rpo, summary: summary, space: Compliance.Space(), now: now)
            let entries = try ctx.catalog.retentionEntries(policy: policy.name)
            report.plan = RetentionPlanner.plan(
                entries, rules: policy.retention, meetsRPO: verdict.status != .critical, now: now)
            if dryRun {
                report.done = report.plan.actions
                report.walRemoved = await pruneWAL(policy, errors: &report.errors)
                return report
            }
            let byID = Dictionary(entries.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var listing = ObjectListing()
            for action in report.plan.actions {
                do {
                    try await apply(action, entry: byID[action.id], policy: policy, listing: &listing)
                    report.done.append(action)
                } catch let e as LockedObjectRemoval.StillLocked {
                    report.waiting.append("\(action.kind.rawValue) \(action.id) waits: \(e)")
                } catch {
                    report.errors.append("\(action.kind.rawValue) \(action.id): \(error)")
                    ctx.logger.error("\(policy.name): \(action.kind.rawValue) \(action.id) failed: \(error)")
                }
            }
            report.walRemoved = await pruneWAL(policy, errors: &report.errors)
        } catch {
            report.errors.append(String(describing: error))
        }
        return report
    }

    /// Removes, at every destination, the archived WAL no base backup left needs (`WALRetention`): the
    /// signature first, so a file half removed reads as not archived. Returns how many files.
    func pruneWAL(_ policy: Policy, errors: inout [String]) async -> Int {
        let starts = WALRetention.starts((try? ctx.catalog.backups(policy: policy.name)) ?? [])
        guard WALPolicySelection.archivesWAL(policy), !starts.isEmpty else { return 0 }
        let prefix = WALArchiveLayout.prefix(host: ctx.agent.host, policy: policy.name)
        var removed = 0
        for spec in policy.destinations {
            do {
                let destination = try makeDestination(spec)
                let keys = try await destination.list(prefix: prefix)
                let names = keys.map { String($0.split(separator: "/").last ?? "") }
                for file in WALRetention.removable(names, starts: starts) {
                    removed += 1
                    if dryRun { continue }
                    let key = WALArchiveLayout.key(host: ctx.agent.host, policy: policy.name, file: file)
                    for k in [key + WALArchiveLayout.signatureSuffix, key] {
                        do {
                            try await destination.remove(k)
                        } catch let e as StorageError where e.isNotFound {
                            continue  // removed by an earlier prune that stopped halfway
                        }
                    }
                }
            } catch {
                errors.append("WAL at \(spec.name): \(error)")
            }
        }
        return removed
    }

    func apply(
        _ action: RetentionPlanner.Action, entry: RetentionEntry?, policy: Policy, listing: inout ObjectListing
    ) async throws {
        let now = ctx.now()
        switch action.kind {
        case .delete:
            try ctx.catalog.setRetention(id: action.id, from: .live, to: .deleted, at: now)
            CrashPoint.hit("prune.deleted")
            // A degraded or pending backup stops shipping now: its spool goes.
            if let e = entry, e.status != .complete {
                try? FileManager.default.removeItem(atPath: ctx.spoolDirectory(policy: policy.name, id: action.id))
            }
        case .softDelete:
            try ctx.catalog.setRetention(id: action.id, from: .deleted, to: .softDeleted, at: now)
        case .purge, .dropFailed:
            let host = entry.map(\.host).flatMap { $0.isEmpty ? nil : $0 } ?? ctx.agent.host
            try await LockedObjectRemoval.checkExpired(
                prefix: ctx.objectPrefix(host: host, policy: policy.name, id: action.id),
                destinations: policy.destinations.filter(\.deletes), now: now)
            try await removeObjects(host: host, id: action.id, policy: policy, listing: &listing)
            CrashPoint.hit("prune.objects-removed")
            try? FileManager.default.removeItem(atPath: ctx.spoolDirectory(policy: policy.name, id: action.id))
            try ctx.catalog.markPurged(id: action.id, at: now)
        }
    }

    /// The keys under `<host>/<policy>/` at each destination, listed once per prune rather than once per
    /// backup (listing a local destination walks its whole tree).
    struct ObjectListing {
        var keys: [String: [String: [String]]] = [:]  // "destination host/policy/" -> backup id -> keys
    }

    /// Removes every object under the backup's prefix `<host>/<policy>/<id>/` at every destination of
    /// the policy, the manifest first so a half-purged backup never looks complete. Throws (and the
    /// backup stays as it is) when any destination cannot be reached; the next prune tries again.
    func removeObjects(host: String, id: BackupID, policy: Policy, listing: inout ObjectListing) async throws {
        let policyPrefix = "\(host)/\(policy.name)/"
        let prefix = ctx.objectPrefix(host: host, policy: policy.name, id: id)
        // `delete: false`: this host never deletes there; `lifeboat purge` does it from elsewhere.
        for spec in policy.destinations where spec.deletes {
            if case .s3(let s3spec) = spec.location, s3spec.objectLock != nil,
                let s3 = try DestinationFactory.makeS3(spec)
            {
                try await LockedObjectRemoval.removeAllVersions(prefix: prefix, at: s3)
                continue
            }
            let destination = try makeDestination(spec)
            let cacheKey = "\(spec.name) \(policyPrefix)"
            if listing.keys[cacheKey] == nil {
                var byID: [String: [String]] = [:]
                for key in try await destination.list(prefix: policyPrefix) {
                    let rest = key.dropFirst(policyPrefix.count)
                    if let slash = rest.firstIndex(of: "/") { byID[String(rest[..<slash]), default: []].append(key) }
                }
                listing.keys[cacheKey] = byID
            }
            let keys = listing.keys[cacheKey]?[id.rawValue] ?? []
            let manifest = prefix + "manifest.json"
            if keys.contains(manifest) { try await destination.remove(manifest) }
            CrashPoint.hit("prune.manifest-removed")
            for key in keys.sorted() where key != manifest {
                try await destination.remove(key)
                CrashPoint.hit("prune.object-removed")
            }
            listing.keys[cacheKey]?[id.rawValue] = nil
        }
    }
}
