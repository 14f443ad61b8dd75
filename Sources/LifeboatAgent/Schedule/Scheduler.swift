import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore

/// Decides which policies are due and in what order: a pure function of the catalog's summary,
/// the policies and the clock, so it is tested over a simulated clock without sleeping.
package enum Scheduler {
    /// After a failed attempt, the policy is tried again once this much time has passed (or its
    /// interval, when that is shorter), so a broken source is not hammered on every timer tick.
    package static let retryAfter: TimeInterval = 15 * 60

    /// What the scheduler knows about one policy.
    package struct State: Sendable, Equatable {
        /// The start of the newest backup that got into the spool (pending, degraded or complete).
        package var lastSpooled: Date?
        /// The start and outcome of the newest attempt of any kind.
        package var lastAttempt: Date?
        package var lastAttemptFailed: Bool

        package init(lastSpooled: Date? = nil, lastAttempt: Date? = nil, lastAttemptFailed: Bool = false) {
            self.lastSpooled = lastSpooled
            self.lastAttempt = lastAttempt
            self.lastAttemptFailed = lastAttemptFailed
        }

        package init(_ summary: PolicySummary) {
            self.init(
                lastSpooled: summary.lastSpooled, lastAttempt: summary.lastStarted,
                lastAttemptFailed: summary.lastStatus == .failed)
        }
    }

    /// Whether a policy is due now, and if so by how long it is overdue.
    package enum Decision: Sendable, Equatable {
        /// Due; `overdue` seconds past the time it became due (`nil`: never backed up).
        case due(overdue: TimeInterval?)
        /// Not due before `next`; `running` when a backup of it is in progress.
        case notDue(next: Date, running: Bool)

        package var isDue: Bool { if case .due = self { return true } else { return false } }
    }

    /// Due when no spooled backup started within `interval`, unless the last attempt failed less
    /// than `min(interval, retryAfter)` ago, or a backup of it is running right now.
    package static func decide(interval: DurationValue, state: State, now: Date, running: Bool = false) -> Decision {
        let every = TimeInterval(interval.seconds)
        if running { return .notDue(next: now.addingTimeInterval(every), running: true) }
        var dueAt = state.lastSpooled.map { $0.addingTimeInterval(every) }
        if state.lastAttemptFailed, let attempt = state.lastAttempt {
            let retry = attempt.addingTimeInterval(min(every, retryAfter))
            dueAt = max(dueAt ?? retry, retry)
        }
        guard let dueAt else { return .due(overdue: nil) }
        if now >= dueAt { return .due(overdue: now.timeIntervalSince(dueAt)) }
        return .notDue(next: dueAt, running: false)
    }

    /// The due policies, highest priority first, then the most overdue first (never backed up counts
    /// as the most overdue), then by name so the order is stable.
    package static func duePolicies(
        _ policies: [Policy], summaries: [String: PolicySummary], now: Date
    ) -> [(policy: Policy, overdue: TimeInterval?)] {
        var due: [(policy: Policy, overdue: TimeInterval?)] = []
        for p in policies {
            let s = summaries[p.name].map(State.init) ?? State()
            let running = summaries[p.name]?.lastStatus == .running
            if case .due(let overdue) = decide(interval: p.interval, state: s, now: now, running: running) {
                due.append((p, overdue))
            }
        }
        return due.sorted { a, b in
            if a.policy.objectives.priority != b.policy.objectives.priority {
                return a.policy.objectives.priority < b.policy.objectives.priority
            }
            let oa = a.overdue ?? .infinity
            let ob = b.overdue ?? .infinity
            if oa != ob { return oa > ob }
            return a.policy.name < b.policy.name
        }
    }
}
