/// The arithmetic of a bandwidth limit: tokens (bytes) accrue at `rate` per second up to `burst`; a
/// sender takes as many as it is about to send and is told how long to wait first. Takers may run the
/// bucket into debt, so concurrent senders queue behind each other and together keep to the rate.
/// A pure value of the clock readings it is given, tested without sleeping.
package struct TokenBucket: Sendable, Equatable {
    package let rate: Double
    package let burst: Double
    package private(set) var tokens: Double
    package private(set) var last: Double

    /// Starts empty: the first bytes already pay, so a short transfer cannot exceed the rate.
    package init(rate: Double, burst: Double, now: Double) {
        self.rate = rate
        self.burst = burst
        tokens = 0
        last = now
    }

    /// Takes `bytes` tokens at time `now` (seconds) and returns the seconds to wait before sending them.
    package mutating func take(_ bytes: Int64, now: Double) -> Double {
        if now > last {
            tokens = min(burst, tokens + (now - last) * rate)
            last = now
        }
        tokens -= Double(bytes)
        return tokens >= 0 ? 0 : -tokens / rate
    }
}
