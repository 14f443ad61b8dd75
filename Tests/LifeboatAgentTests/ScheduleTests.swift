import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatCore
import Testing

@Suite struct ScheduleTests {
    let t0 = Date(timeIntervalSince1970: 1_735_000_000)
    let twelveHours = DurationValue(seconds: 12 * 3600)

    @Test func neverBackedUpIsDueAndMostOverdue() {
        #expect(Scheduler.decide(interval: twelveHours, state: .init(), now: t0) == .due(overdue: nil))
    }

    @Test func dueOnceTheIntervalHasPassedSinceTheLastSpooledBackup() {
        let s = Scheduler.State(lastSpooled: t0, lastAttempt: t0)
        #expect(
            Scheduler.decide(interval: twelveHours, state: s, now: t0.addingTimeInterval(3600))
                == .notDue(next: t0.addingTimeInterval(12 * 3600), running: false))
        #expect(
            Scheduler.decide(interval: twelveHours, state: s, now: t0.addingTimeInterval(12 * 3600)) == .due(overdue: 0)
        )
        #expect(
            Scheduler.decide(interval: twelveHours, state: s, now: t0.addingTimeInterval(13 * 3600))
                == .due(overdue: 3600))
    }

    @Test func aFailedAttemptIsRetriedAfterFifteenMinutesNotOnEveryTick() {
        let s = Scheduler.State(lastSpooled: t0, lastAttempt: t0.addingTimeInterval(12 * 3600), lastAttemptFailed: true)
        let failedAt = t0.addingTimeInterval(12 * 3600)
        #expect(!Scheduler.decide(interval: twelveHours, state: s, now: failedAt.addingTimeInterval(60)).isDue)
        #expect(Scheduler.decide(interval: twelveHours, state: s, now: failedAt.addingTimeInterval(15 * 60)).isDue)
        // A short schedule retries after its own interval.
        let short = DurationValue(seconds: 300)
        let s2 = Scheduler.State(lastSpooled: nil, lastAttempt: t0, lastAttemptFailed: true)
        #expect(!Scheduler.decide(interval: short, state: s2, now: t0.addingTimeInterval(299)).isDue)
        #expect(Scheduler.decide(interval: short, state: s2, now: t0.addingTimeInterval(300)).isDue)
    }

    @Test func aRunningBackupIsNotDue() {
        #expect(!Scheduler.decide(interval: twelveHours, state: .init(), now: t0, running: true).isDue)
    }

    /// Three simulated days of a timer firing every 15 minutes: an rpo of 24h means a backup every 12h,
    /// and the gap between two backups never exceeds the interval plus one tick.
    @Test func aSimulatedClockBacksUpEveryHalfRPO() throws {
        let f = try RunFixture(policies: [
            "db": "objectives: { rpo: 24h }", "conf": "objectives: { rpo: 24h }\nschedule: every 6h",
        ])
        let policies = try f.configuration.policies
        var state: [String: Scheduler.State] = [:]
        var backups: [String: [Date]] = [:]
        var now = t0
        while now < t0.addingTimeInterval(72 * 3600) {
            let summaries = Dictionary(
                uniqueKeysWithValues: state.map { name, s -> (String, PolicySummary) in
                    var sum = PolicySummary(policy: name)
                    sum.lastSpooled = s.lastSpooled
                    sum.lastStarted = s.lastAttempt
                    sum.lastStatus = .complete
                    return (name, sum)
                })
            for (p, _) in Scheduler.duePolicies(policies, summaries: summaries, now: now) {
                backups[p.name, default: []].append(now)
                state[p.name] = Scheduler.State(lastSpooled: now, lastAttempt: now)
            }
            now = now.addingTimeInterval(15 * 60)
        }
        #expect(backups["db"]?.count == 6)
        #expect(backups["conf"]?.count == 12)
        for (_, times) in backups {
            for (a, b) in zip(times, times.dropFirst()) {
                #expect(b.timeIntervalSince(a) <= 12 * 3600 + 15 * 60)
            }
        }
    }

    @Test func highestPriorityThenMostOverdueFirst() throws {
        let f = try RunFixture(policies: [
            "low-old": "objectives: { rpo: 2h, priority: low }",
            "high-recent": "objectives: { rpo: 2h, priority: high }",
            "high-old": "objectives: { rpo: 2h, priority: high }",
            "medium-never": "objectives: { rpo: 2h }",
            "medium-old": "objectives: { rpo: 2h }",
            "not-due": "objectives: { rpo: 2h, priority: high }",
        ])
        func summary(_ name: String, ago: TimeInterval) -> (String, PolicySummary) {
            var s = PolicySummary(policy: name)
            s.lastSpooled = t0.addingTimeInterval(-ago)
            s.lastStarted = s.lastSpooled
            s.lastStatus = .complete
            return (name, s)
        }
        let summaries = Dictionary(uniqueKeysWithValues: [
            summary("low-old", ago: 50 * 3600), summary("high-recent", ago: 3600 + 60),
            summary("high-old", ago: 10 * 3600), summary("medium-old", ago: 5 * 3600),
            summary("not-due", ago: 600),
        ])
        let order = Scheduler.duePolicies(try f.configuration.policies, summaries: summaries, now: t0).map(
            \.policy.name)
        #expect(order == ["high-old", "high-recent", "medium-never", "medium-old", "low-old"])
    }

    /// The summary the scheduler reads comes from the catalog with the right newest times.
    @Test func catalogSummaryFeedsTheScheduler() throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"])
        f.clock.now = t0
        try f.insert(policy: "db", started: t0.addingTimeInterval(-20 * 3600), status: .complete)
        try f.insert(policy: "db", started: t0.addingTimeInterval(-13 * 3600), status: .degraded)
        try f.insert(policy: "db", started: t0.addingTimeInterval(-600), status: .failedToSpool)
        let s = try #require(try f.catalog.policySummaries(["db", "other"]).first { $0.policy == "db" })
        #expect(s.lastSpooled == t0.addingTimeInterval(-13 * 3600))
        #expect(s.lastStatus == .failed)
        #expect(s.newestComplete?.started == t0.addingTimeInterval(-20 * 3600))
        #expect(s.unshipped == 1)
        // Degraded 13h ago counts as spooled; the failure 10 minutes ago holds the retry back 5 more minutes.
        #expect(!Scheduler.decide(interval: DurationValue(seconds: 12 * 3600), state: .init(s), now: t0).isDue)
        #expect(
            Scheduler.decide(
                interval: DurationValue(seconds: 12 * 3600), state: .init(s), now: t0.addingTimeInterval(300)
            ).isDue)
    }
}
