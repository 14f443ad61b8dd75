import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatSources

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
            let logs = $0.binlog == nil ? [] : try ctx.catalog.archivedBinlogs(policy: $0.name)
            var verdict = Compliance.evaluate(
                policy: $0.name, rpo: $0.objectives.rpo, summary: summary, space: space, now: now, skipped: skipped,
                newestLog: logs.max { $0.sequence < $1.sequence }.map { ($0.name, $0.rotated) })
            verdict = try binlogGap(verdict, policy: $0, archived: logs)
            let held = try summary?.newestComplete.flatMap { try ctx.catalog.backup(id: $0.id) }.map { record in
                record.copies.filter { $0.status == .shipped }.map(\.destination.rawValue)
            }
            verdict = FailureDomains.applied(to: verdict, policy: $0, heldAt: held)
            return keys.health(of: $0, signingKey: ctx.agent.signingKey).applied(to: verdict)
        }
    }
}

extension CheckUseCase {
    /// CRITICAL, naming the log, when a binary log after the newest dump's position was purged before it
    /// was archived; a WARNING when the server cannot be asked.
    func binlogGap(_ verdict: Compliance.Result, policy: Policy, archived: [ArchivedBinlog]) throws -> Compliance.Result
    {
        guard policy.binlog != nil, case .mariadb(let source) = policy.source else { return verdict }
        let dumps = try ctx.catalog.backups(policy: policy.name)
        guard let start = dumps.first(where: { $0.status == .complete && $0.binlogPosition != nil })?.binlogPosition
        else { return verdict }
        var v = verdict
        let onServer: [String]
        do {
            onServer = try MariaDBBinlogServer(endpoint: PayloadSource.endpoint(source)).logs().map(\.name)
        } catch {
            if v.status < .warning { v.status = .warning }
            v.message += "; cannot list the server's binary logs: \(BinlogArchiver.text(error))"
            return v
        }
        guard
            let missing = BinlogGap.firstMissing(start: start.file, archived: archived.map(\.name), onServer: onServer)
        else { return v }
        v.status = .critical
        v.message +=
            "; binary log \(missing) was purged before it was archived: no point-in-time restore past it (from \(start))"
        return v
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
