import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatDigest
import LifeboatStorage

/// What `check` adds for a policy that archives WAL: each destination's archived files are listed;
/// a gap since the newest base backup is CRITICAL and names the first missing segment; the age of the
/// newest segment every destination holds (its signature's time, verified over the message's hash) is the policy's RPO age,
/// CRITICAL past the rpo.
package struct WALCheck {
    let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    package func applied(to results: [Compliance.Result], policies: [Policy]) async -> [Compliance.Result] {
        var out = results
        for (i, r) in results.enumerated() {
            guard let p = policies.first(where: { $0.name == r.policy }), WALPolicySelection.archivesWAL(p) else {
                continue
            }
            out[i] = await check(r, policy: p)
        }
        return out
    }

    func check(_ result: Compliance.Result, policy: Policy) async -> Compliance.Result {
        var r = result
        let base = (try? ctx.catalog.backups(policy: policy.name))?
            .filter { $0.wal != nil && $0.retention == .live && $0.copies.contains(where: { $0.status == .shipped }) }
            .max { ($0.finished ?? .distantPast) < ($1.finished ?? .distantPast) }
        guard let base, let wal = base.wal else { return r }
        let archive = ArchivedWAL(ctx: ctx, policy: policy)
        var common: Set<String>?
        var first: Destination?
        for spec in policy.destinations {
            let files: [WALFileName]
            do {
                let destination = try DestinationFactory.make(spec)
                first = first ?? destination
                files = try await archive.files(at: destination)
            } catch {
                r.status = max(r.status, .warning)
                r.message += "; WAL at \(spec.name) not listed: \(error)"
                continue
            }
            if let missing = WALGap.firstMissing(archived: files, base: wal) {
                r.status = .critical
                r.message =
                    "WAL gap at \(spec.name): \(missing.hasSuffix(".history") ? "timeline history file" : "segment") \(missing) is missing since base backup \(base.id); point-in-time recovery cannot cross it; "
                    + r.message
            }
            let names = Set(files.filter { $0.kind == .segment }.map(\.name))
            common = common.map { $0.intersection(names) } ?? names
        }
        guard let newest = common?.max(), let destination = first, let file = WALFileName(newest) else {
            r.status = .critical
            r.message = "no WAL segment is archived at every destination; " + r.message
            return r
        }
        do {
            let created = try await archive.archivedAt(file, at: destination)
            let age = Int64(max(0, ctx.now().timeIntervalSince(created)))
            r.ageSeconds = min(r.ageSeconds ?? age, age)
            if age > policy.objectives.rpo.seconds {
                r.status = .critical
                r.message = "newest WAL at every destination (\(newest)) is \(age)s old, over the rpo; " + r.message
            } else {
                r.message += "; newest WAL at every destination \(newest), \(age)s old"
            }
        } catch {
            r.status = max(r.status, .warning)
            r.message += "; the age of WAL \(newest) is unknown: \(error)"
        }
        return r
    }
}
