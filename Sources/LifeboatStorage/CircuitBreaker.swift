import Foundation
import Synchronization

/// A circuit breaker per destination: after `threshold` consecutive failures it opens, and the
/// destination is skipped until `coolDown` has passed; then one probe is let through, and its outcome
/// closes the breaker or opens it again. Pure functions of the state and the time, so it is tested
/// without sleeping; the state is kept by a `BreakerStore` (the catalog), since each timer run is a
/// new process.
package enum CircuitBreaker {
    package struct Settings: Sendable, Equatable {
        package var threshold: Int
        /// Seconds.
        package var coolDown: Double
        /// Seconds after which a probe that never reported is presumed lost (its process died).
        package var probeTimeout: Double

        package init(threshold: Int = 5, coolDown: Double = 300, probeTimeout: Double = 600) {
            self.threshold = threshold
            self.coolDown = coolDown
            self.probeTimeout = probeTimeout
        }
    }

    package enum Phase: String, Sendable, Codable {
        case closed
        case open
        case halfOpen = "half-open"
    }

    package struct State: Sendable, Equatable, Codable {
        package var phase: Phase
        package var consecutiveFailures: Int
        /// When it last opened (seconds since 1970).
        package var openedAt: Double?
        /// When the probe was let through, while half-open.
        package var probeAt: Double?
        package var lastError: String?

        package init(
            phase: Phase = .closed, consecutiveFailures: Int = 0, openedAt: Double? = nil, probeAt: Double? = nil,
            lastError: String? = nil
        ) {
            self.phase = phase
            self.consecutiveFailures = consecutiveFailures
            self.openedAt = openedAt
            self.probeAt = probeAt
            self.lastError = lastError
        }
    }

    package enum Decision: Sendable, Equatable {
        case allow
        /// This call is the single probe; the state must be saved as half-open before it runs.
        case probe
        /// Skip the destination; it may be tried again at `retryAt` (seconds since 1970).
        case reject(retryAt: Double)
    }

    package static func decide(_ s: State, _ settings: Settings, now: Double) -> Decision {
        switch s.phase {
        case .closed:
            return .allow
        case .open:
            let at = (s.openedAt ?? now) + settings.coolDown
            return now >= at ? .probe : .reject(retryAt: at)
        case .halfOpen:
            let started = s.probeAt ?? now
            if now - started >= settings.probeTimeout { return .probe }
            return .reject(retryAt: started + settings.probeTimeout)
        }
    }

    /// The state once the decision is taken (a probe marks the breaker half-open).
    package static func admitted(_ s: State, _ d: Decision, now: Double) -> State {
        guard d == .probe else { return s }
        var n = s
        n.phase = .halfOpen
        n.probeAt = now
        return n
    }

    /// The state after an operation's outcome. `wasProbe` is true for the call that `decide` made the probe.
    package static func record(
        _ s: State, success: Bool, error: String? = nil, wasProbe: Bool, _ settings: Settings, now: Double
    )
        -> State
    {
        var n = s
        if success {
            if s.phase == .open && !wasProbe { return s }  // a late success from before it opened
            return State()
        }
        n.lastError = error
        if wasProbe || s.phase == .halfOpen {
            n.phase = .open
            n.openedAt = now
            n.probeAt = nil
            n.consecutiveFailures += 1
            return n
        }
        n.consecutiveFailures += 1
        if s.phase == .closed && n.consecutiveFailures >= settings.threshold {
            n.phase = .open
            n.openedAt = now
        }
        return n
    }
}

/// Keeps breaker states, changing one atomically (the catalog does it in a transaction).
package protocol BreakerStore: Sendable {
    func update<T>(_ destination: String, _ body: (inout CircuitBreaker.State) throws -> T) throws -> T
}

/// A store in memory, for tests and one-shot tools.
package final class MemoryBreakerStore: BreakerStore, Sendable {
    private let states = Mutex<[String: CircuitBreaker.State]>([:])

    package init() {}

    package func update<T>(_ destination: String, _ body: (inout CircuitBreaker.State) throws -> T) throws -> T {
        try states.withLock { states in
            var s = states[destination] ?? CircuitBreaker.State()
            let r = try body(&s)
            states[destination] = s
            return r
        }
    }

    package func state(_ destination: String) -> CircuitBreaker.State {
        states.withLock { $0[destination] ?? CircuitBreaker.State() }
    }
}

/// Any destination behind a circuit breaker. While open, every call fails at once with a transient
/// error that says when the destination will be tried again. Not-found answers count as successes.
package struct CircuitBreakerDestination: Destination {
    package let base: Destination
    package let store: BreakerStore
    package let settings: CircuitBreaker.Settings
    package let now: @Sendable () -> Double
    /// What the state is kept under (the place, so policies sharing a bucket share its breaker).
    package let key: String

    package init(
        _ base: Destination, store: BreakerStore, settings: CircuitBreaker.Settings, key: String? = nil,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.base = base
        self.store = store
        self.key = key ?? base.name
        self.settings = settings
        self.now = now
    }

    package var name: String { base.name }

    /// Whether a call now would be let through, without taking the probe.
    package func isOpen() throws -> (open: Bool, retryAt: Double?, lastError: String?) {
        try store.update(key) { s in
            if case .reject(let at) = CircuitBreaker.decide(s, settings, now: now()) { return (true, at, s.lastError) }
            return (false, nil, s.lastError)
        }
    }

    func guarded<T>(_ operation: () async throws -> T) async throws -> T {
        let t = now()
        let decision: CircuitBreaker.Decision = try store.update(key) { s in
            let d = CircuitBreaker.decide(s, settings, now: t)
            s = CircuitBreaker.admitted(s, d, now: t)
            return d
        }
        if case .reject(let at) = decision {
            let when = Date(timeIntervalSince1970: at)
            throw StorageError(
                .transient, destination: name,
                "skipped: circuit breaker open until \(ISO8601DateFormatter().string(from: when))")
        }
        let wasProbe = decision == .probe
        do {
            let r = try await operation()
            try store.update(key) { s in
                s = CircuitBreaker.record(s, success: true, wasProbe: wasProbe, settings, now: now())
            }
            return r
        } catch let e as StorageError {
            let ok = e.isNotFound
            try store.update(key) { s in
                s = CircuitBreaker.record(
                    s, success: ok, error: ok ? nil : e.message, wasProbe: wasProbe, settings, now: now())
            }
            throw e
        }
    }

    package func put(_ key: String, fromFile path: String) async throws {
        try await guarded { try await base.put(key, fromFile: path) }
    }

    package func put(_ key: String, fromFile path: String, sha256: String) async throws {
        try await guarded { try await base.put(key, fromFile: path, sha256: sha256) }
    }

    package func put(_ key: String, bytes: [UInt8]) async throws {
        try await guarded { try await base.put(key, bytes: bytes) }
    }

    @discardableResult
    package func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws
        -> Int64
    {
        try await withoutActuallyEscaping(consumer) { c in
            try await guarded { try await base.read(key, offset: offset, consumer: c) }
        }
    }

    package func size(_ key: String) async throws -> Int64? {
        try await guarded { try await base.size(key) }
    }

    package func put(_ key: String, bytes: [UInt8], metadata: [String: String]) async throws {
        try await guarded { try await base.put(key, bytes: bytes, metadata: metadata) }
    }

    package func readWithMetadata(
        _ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> [String: String] {
        try await withoutActuallyEscaping(consumer) { c in
            try await guarded { try await base.readWithMetadata(key, offset: offset, consumer: c) }
        }
    }

    package func list(prefix: String) async throws -> [String] {
        try await guarded { try await base.list(prefix: prefix) }
    }

    package func listFolders(prefix: String) async throws -> [String] {
        try await guarded { try await base.listFolders(prefix: prefix) }
    }

    package func remove(_ key: String) async throws {
        try await guarded { try await base.remove(key) }
    }
}
