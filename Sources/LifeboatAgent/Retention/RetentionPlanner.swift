import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore

/// Decides what prune does to one policy's backups: which complete backups to keep (restic-style
/// calendar buckets in UTC) and which move along lazy deletion. A pure function of the catalog's
/// entries, the policy's retention settings, whether the policy meets its RPO, and the clock.
package enum RetentionPlanner {
    /// One step for one backup.
    package struct Action: Sendable, Equatable, CustomStringConvertible {
        package enum Kind: String, Sendable {
            /// live -> deleted: hidden from `list`, still restorable by id.
            case delete
            /// deleted -> soft-deleted: restorable only with `--include-soft-deleted`.
            case softDelete = "soft-delete"
            /// soft-deleted -> purged: every object removed from every destination.
            case purge
            /// a failed backup older than `deleted_grace`: its spool and any partial objects removed,
            /// its record kept as purged.
            case dropFailed = "drop-failed"
        }

        package var id: BackupID
        package var kind: Kind
        package var reason: String

        package var description: String { "\(kind.rawValue) \(id): \(reason)" }
    }

    /// What prune would do, and which backups it keeps and why.
    package struct Plan: Sendable, Equatable {
        package var actions: [Action] = []
        /// Kept backups with the rules that keep them ("last", "daily", "weekly", "monthly", "newest", "pinned").
        package var kept: [BackupID: [String]] = [:]
        /// Set when nothing may be pruned (the policy is out of its RPO).
        package var refused: String?
    }

    static var utc: Calendar {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = .gmt
        return c
    }

    /// The complete backups to keep: newest first, each rule keeps the newest backup of each of its
    /// newest N buckets (keep_last: every backup is its own bucket), as restic's `forget` does.
    /// The newest complete backup and pinned backups are always kept.
    package static func keep(_ complete: [RetentionEntry], rules: Policy.Retention) -> [BackupID: [String]] {
        let sorted = complete.sorted { ($0.started, $0.id) > ($1.started, $1.id) }
        let cal = utc
        typealias Bucket = (RetentionEntry) -> Int
        let buckets: [(String, Int, Bucket)] = [
            ("last", rules.keepLast, { _ in -1 }),
            (
                "daily", rules.keepDaily,
                { e in
                    cal.component(.year, from: e.started) * 10000 + cal.component(.month, from: e.started) * 100
                        + cal.component(.day, from: e.started)
                }
            ),
            (
                "weekly", rules.keepWeekly,
                { e in
                    cal.component(.yearForWeekOfYear, from: e.started) * 100
                        + cal.component(.weekOfYear, from: e.started)
                }
            ),
            (
                "monthly", rules.keepMonthly,
                { e in
                    cal.component(.year, from: e.started) * 100 + cal.component(.month, from: e.started)
                }
            ),
        ]
        var remaining = buckets.map { $0.1 }
        var lastBucket = [Int?](repeating: nil, count: buckets.count)
        var kept: [BackupID: [String]] = [:]
        for (i, e) in sorted.enumerated() {
            if i == 0 { kept[e.id, default: []].append("newest") }
            if e.pinned { kept[e.id, default: []].append("pinned") }
            for (r, rule) in buckets.enumerated() where remaining[r] > 0 {
                let b = rule.2(e)
                if rule.0 == "last" || b != lastBucket[r] {
                    kept[e.id, default: []].append(rule.0)
                    lastBucket[r] = b
                    remaining[r] -= 1
                }
            }
        }
        return kept
    }

    /// The plan for one policy. `meetsRPO` false (no complete backup, or the newest is older than
    /// the RPO) refuses everything: nothing is pruned while the policy is out of its RPO.
    package static func plan(_ entries: [RetentionEntry], rules: Policy.Retention, meetsRPO: Bool, now: Date) -> Plan {
        var plan = Plan()
        guard meetsRPO else {
            plan.refused = "out of its rpo: nothing is pruned until a new backup reaches every destination"
            return plan
        }
        let deletedGrace = TimeInterval(rules.deletedGrace.seconds)
        let softGrace = TimeInterval(rules.softDeletedGrace.seconds)
        let liveComplete = entries.filter { $0.status == .complete && $0.retention == .live }
        plan.kept = keep(liveComplete, rules: rules)
        let newestComplete = liveComplete.map(\.started).max()
        for e in entries.sorted(by: { ($0.started, $0.id) < ($1.started, $1.id) }) {
            switch e.retention {
            case .live:
                if e.pinned { continue }
                switch e.status {
                case .complete:
                    if plan.kept[e.id] == nil {
                        plan.actions.append(Action(id: e.id, kind: .delete, reason: "not kept by any rule"))
                    }
                case .degraded, .pending:
                    // Copies at some destinations may still restore it; once a newer complete backup exists
                    // and it is older than deleted_grace, it goes the lazy way like a pruned backup.
                    if let newest = newestComplete, e.started < newest, now.timeIntervalSince(e.started) >= deletedGrace
                    {
                        plan.actions.append(
                            Action(
                                id: e.id, kind: .delete,
                                reason: "\(e.status.rawValue) for longer than deleted_grace (\(rules.deletedGrace))"))
                    }
                case .failed:
                    if now.timeIntervalSince(e.started) >= deletedGrace {
                        plan.actions.append(
                            Action(
                                id: e.id, kind: .dropFailed,
                                reason: "failed, older than deleted_grace (\(rules.deletedGrace))"))
                    }
                case .running:
                    continue
                }
            case .deleted:
                if let changed = e.retentionChanged, now.timeIntervalSince(changed) >= deletedGrace {
                    plan.actions.append(
                        Action(
                            id: e.id, kind: .softDelete,
                            reason: "deleted for longer than deleted_grace (\(rules.deletedGrace))"))
                }
            case .softDeleted:
                if let changed = e.retentionChanged, now.timeIntervalSince(changed) >= softGrace {
                    plan.actions.append(
                        Action(
                            id: e.id, kind: .purge,
                            reason: "soft-deleted for longer than soft_deleted_grace (\(rules.softDeletedGrace))"))
                }
            case .purged:
                continue
            }
        }
        return plan
    }
}
