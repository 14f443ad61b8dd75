import Foundation
import LifeboatStorage
import Testing

@Suite struct CircuitBreakerTests {
    typealias B = CircuitBreaker
    let settings = B.Settings(threshold: 3, coolDown: 60, probeTimeout: 600)

    func fail(_ s: B.State, at t: Double, probe: Bool = false) -> B.State {
        B.record(s, success: false, error: "boom", wasProbe: probe, settings, now: t)
    }

    @Test func opensAfterThresholdConsecutiveFailures() {
        var s = B.State()
        s = fail(s, at: 0)
        s = fail(s, at: 1)
        #expect(B.decide(s, settings, now: 2) == .allow)
        s = fail(s, at: 2)
        #expect(s.phase == .open)
        #expect(B.decide(s, settings, now: 30) == .reject(retryAt: 62))
    }

    @Test func aSuccessInBetweenResetsTheCount() {
        var s = fail(fail(B.State(), at: 0), at: 1)
        s = B.record(s, success: true, wasProbe: false, settings, now: 2)
        s = fail(fail(s, at: 3), at: 4)
        #expect(s.phase == .closed)
    }

    @Test func afterTheCoolDownOneProbeDecides() {
        var s = fail(fail(fail(B.State(), at: 0), at: 0), at: 0)
        let d = B.decide(s, settings, now: 60)
        #expect(d == .probe)
        s = B.admitted(s, d, now: 60)
        #expect(s.phase == .halfOpen)
        // While the probe runs, everybody else is turned away.
        #expect(B.decide(s, settings, now: 61) == .reject(retryAt: 660))
        // The probe fails: open again, for a whole new cool-down.
        let reopened = fail(s, at: 65, probe: true)
        #expect(reopened.phase == .open)
        #expect(B.decide(reopened, settings, now: 100) == .reject(retryAt: 125))
        // The probe succeeds: closed.
        let closed = B.record(s, success: true, wasProbe: true, settings, now: 65)
        #expect(closed == B.State())
    }

    @Test func aProbeLostWithItsProcessIsTakenAgainLater() {
        let s = B.admitted(fail(fail(fail(B.State(), at: 0), at: 0), at: 0), .probe, now: 60)
        #expect(B.decide(s, settings, now: 659) != .probe)
        #expect(B.decide(s, settings, now: 660) == .probe)
    }

    @Test func theWrapperSkipsAnOpenDestinationWithoutCallingIt() async throws {
        let store = MemoryBreakerStore()
        nonisolated(unsafe) var now = 1000.0
        let flaky = FlakyDestination(failures: Array(repeating: .transient, count: 5))
        let d = CircuitBreakerDestination(flaky, store: store, settings: settings, now: { now })
        for _ in 0..<3 { await #expect(throws: StorageError.self) { try await d.put("k", bytes: []) } }
        #expect(store.state("flaky").phase == .open)
        do {
            try await d.put("k", bytes: [])
        } catch let e as StorageError {
            #expect(e.message.contains("circuit breaker open"))
        }
        #expect(flaky.calls == 3)
        #expect(try d.isOpen().open)
        now += 60
        flaky.failures = []
        try await d.put("k", bytes: [])  // the probe
        #expect(store.state("flaky") == CircuitBreaker.State())
        #expect(flaky.calls == 4)
    }

    @Test func notFoundIsAnAnswerNotAFailure() async throws {
        let store = MemoryBreakerStore()
        let flaky = FlakyDestination(failures: [.notFound, .notFound, .notFound, .notFound])
        let d = CircuitBreakerDestination(flaky, store: store, settings: settings)
        for _ in 0..<4 { _ = try? await d.size("k") }
        #expect(store.state("flaky").phase == .closed)
    }
}
