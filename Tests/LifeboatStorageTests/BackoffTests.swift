import Foundation
import LifeboatStorage
import Testing

@Suite struct BackoffTests {
    let p = BackoffPolicy(base: 0.5, cap: 4, maxAttempts: 6, maxElapsed: 20)

    @Test func theCeilingDoublesUpToTheCap() {
        #expect((1...6).map { p.ceiling(afterFailures: $0) } == [0.5, 1, 2, 4, 4, 4])
    }

    @Test func fullJitterSpansZeroToTheCeiling() {
        #expect(p.delay(afterFailures: 3, elapsed: 0, random: 0) == 0)
        #expect(p.delay(afterFailures: 3, elapsed: 0, random: 0.5) == 1)
        #expect(p.delay(afterFailures: 3, elapsed: 0, random: 0.999)! < 2)
    }

    @Test func stopsAfterMaxAttemptsOrMaxElapsed() {
        #expect(p.delay(afterFailures: 5, elapsed: 0, random: 0.5) != nil)
        #expect(p.delay(afterFailures: 6, elapsed: 0, random: 0.5) == nil)
        #expect(p.delay(afterFailures: 2, elapsed: 19.9, random: 0.5) == nil)
        #expect(p.delay(afterFailures: 2, elapsed: 19.4, random: 0.5) == 0.5)
    }

    @Test func aHugeAttemptCountDoesNotOverflow() {
        let q = BackoffPolicy(base: 1, cap: 30, maxAttempts: 10_000, maxElapsed: .infinity)
        #expect(q.ceiling(afterFailures: 5000) == 30)
    }
}
