import Foundation

/// Truncated exponential backoff with full jitter: the n-th retry waits a random time in
/// [0, min(cap, base * 2^(n-1))), and retrying stops after `maxAttempts` tries or once the next wait
/// would pass `maxElapsed`. A pure function of the attempt count, the time spent and a random draw.
package struct BackoffPolicy: Sendable, Equatable {
    /// Seconds.
    package var base: Double
    package var cap: Double
    /// Tries in all, the first included; 1 means no retry.
    package var maxAttempts: Int
    /// Seconds from the first try after which no new try starts.
    package var maxElapsed: Double

    package init(base: Double = 0.5, cap: Double = 30, maxAttempts: Int = 5, maxElapsed: Double = 120) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
        self.maxElapsed = maxElapsed
    }

    /// The ceiling of the wait after `failures` failed tries (1 for the first retry).
    package func ceiling(afterFailures failures: Int) -> Double {
        let exponent = Double(max(0, failures - 1))
        return min(cap, base * pow(2, min(exponent, 62)))
    }

    /// The wait before the next try, or nil to give up. `random` is a draw in [0, 1).
    package func delay(afterFailures failures: Int, elapsed: Double, random: Double) -> Double? {
        guard failures < maxAttempts else { return nil }
        let wait = ceiling(afterFailures: failures) * min(max(random, 0), 1)
        guard elapsed + wait <= maxElapsed else { return nil }
        return wait
    }
}
