import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore

/// The `check` use case: RPO compliance of the named policies (all when none), for Nagios and Icinga.
package struct CheckUseCase {
    package let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    package func run(policies: [Policy]) throws -> [Compliance.Result] {
        let summaries = try ctx.catalog.policySummaries(policies.map(\.name), now: ctx.now())
        let byName = Dictionary(summaries.map { ($0.policy, $0) }, uniquingKeysWith: { a, _ in a })
        let space = SpaceProbe.measure(spool: ctx.agent.spool, spoolMax: ctx.agent.spoolMax?.bytes)
        let now = ctx.now()
        let keys = KeyHealthProbe(now: now)
        return try policies.map {
            let summary = byName[$0.name]
            let skipped = try summary?.newestComplete.flatMap { try ctx.catalog.backup(id: $0.id)?.skipped } ?? 0
            var verdict = Compliance.evaluate(
                policy: $0.name, rpo: $0.objectives.rpo, summary: summary, space: space, now: now, skipped: skipped)
            let held = try summary?.newestComplete.flatMap { try ctx.catalog.backup(id: $0.id) }.map { record in
                record.copies.filter { $0.status == .shipped }.map(\.destination.rawValue)
            }
            verdict = FailureDomains.applied(to: verdict, policy: $0, heldAt: held)
            return keys.health(of: $0, signingKey: ctx.agent.signingKey).applied(to: verdict)
        }
    }
}

/// Measures the spool and the file system it lives on.
package enum SpaceProbe {
    package static func measure(spool: String, spoolMax: Int64?) -> Compliance.Space {
        var space = Compliance.Space(spoolBytes: spoolBytes(spool), spoolMax: spoolMax)
        // The spool may not exist yet: ask about the nearest folder that does.
        var dir = spool
        var st = statvfs()
        while statvfs(dir, &st) != 0 {
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir || parent.isEmpty { return space }
            dir = parent
        }
        let block = Int64(st.f_frsize)
        let total = Int64(st.f_blocks) * block
        let free = Int64(st.f_bavail) * block
        space.diskTotal = total
        space.diskUsed = total - free
        return space
    }

    /// Bytes of the regular files under the spool (lock files excluded).
    package static func spoolBytes(_ spool: String) -> Int64 {
        guard let e = FileManager.default.enumerator(atPath: spool) else { return 0 }
        var total: Int64 = 0
        while let rel = e.nextObject() as? String {
            if rel.hasPrefix(".locks") { continue }
            guard let attrs = e.fileAttributes, attrs[.type] as? FileAttributeType == .typeRegular else { continue }
            total += (attrs[.size] as? NSNumber)?.int64Value ?? 0
        }
        return total
    }
}
