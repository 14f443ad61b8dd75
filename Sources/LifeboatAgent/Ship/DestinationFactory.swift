import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatS3
import LifeboatStorage
import Logging

/// The one place that turns a policy's destination settings into a `Destination`: the driver by type,
/// then the retry wrapper (and, for shipping, the circuit breaker whose state the catalog keeps).
enum DestinationFactory {
    /// The bare driver, without retries.
    static func makeBase(_ spec: DestinationSpec, logger: Logger? = nil) throws -> Destination {
        switch spec.location {
        case .local(let path):
            return LocalDestination(name: spec.name, root: path)
        case .s3(let s3):
            let credentials = try S3CredentialsFile.load(s3.credentials)
            var settings = S3Settings(
                endpoint: s3.endpoint, bucket: s3.bucket, region: s3.region, prefix: s3.prefix,
                virtualHosted: s3.virtualHosted, multipartThreshold: s3.multipartThreshold, partSize: s3.partSize)
            settings.objectLock = s3.objectLock.map(Self.lock)
            let transport = HTTPClientTransport(
                timeouts: .init(
                    connect: .milliseconds(Int64(s3.connectTimeout * 1000)),
                    idle: .milliseconds(Int64(s3.idleTimeout * 1000))))
            return try S3Destination(
                name: spec.name, settings: settings, credentials: credentials, transport: transport,
                partRetrier: retrier(spec, logger: logger))
        case .rclone(let r):
            var d = RcloneDestination(name: spec.name, remote: r.remote, config: r.config, binary: r.binary)
            d.connectTimeout = r.connectTimeout
            d.idleTimeout = r.idleTimeout
            return d
        }
    }

    /// `destination` held to the spec's `rate_limit` when it has one: every writer to a destination
    /// (shipping, copy, backfill) pays the same token bucket rule.
    static func rateLimited(_ destination: Destination, _ spec: DestinationSpec) -> Destination {
        spec.rateLimit.map { RateLimitedDestination(destination, bytesPerSecond: $0) } ?? destination
    }

    /// A driver with retries: what restore, verify and prune use.
    static func make(_ spec: DestinationSpec) throws -> Destination {
        RetryingDestination(try makeBase(spec), retrier: retrier(spec, logger: nil))
    }

    /// A driver with retries that, where the store keeps versions (S3), reads an object hidden by a
    /// delete marker from its newest real version and says so: what restore, verify and rebuild-catalog use.
    static func makeReading(_ spec: DestinationSpec, logger: Logger? = nil) throws -> Destination {
        let base = try makeBase(spec)
        let retrying = RetryingDestination(base, retrier: retrier(spec, logger: logger))
        guard let history = base as? VersionHistory else { return retrying }
        let name = spec.name
        return VersionRecoveringDestination(
            retrying, history: history, retrier: retrier(spec, logger: logger),
            onRecovery: { r in
                logger?.warning(
                    "destination \(name): \(r.key): current version deleted; reading version \(r.version)")
            })
    }

    /// The S3 driver of a spec (for lock and version work only S3 can do); nil for other types.
    static func makeS3(_ spec: DestinationSpec) throws -> S3Destination? {
        guard case .s3 = spec.location else { return nil }
        return try makeBase(spec) as? S3Destination
    }

    static func lock(_ spec: ObjectLockSpec) -> S3ObjectLock {
        S3ObjectLock(mode: spec.mode == .compliance ? .compliance : .governance, days: spec.days)
    }

    static func retrier(_ spec: DestinationSpec, logger: Logger?) -> Retrier {
        let policy = BackoffPolicy(
            base: spec.retry.base, cap: spec.retry.cap, maxAttempts: spec.retry.attempts,
            maxElapsed: spec.retry.maxElapsed)
        let name = spec.name
        return Retrier(
            policy: policy,
            onRetry: { what, failures, wait, error in
                logger?.warning(
                    "destination \(name): \(what) failed (\(error.message)); try \(failures + 1) in \(String(format: "%.2f", wait))s"
                )
            })
    }

    /// The key a destination's breaker is kept under: the place, not the policy's name for it, so two
    /// policies shipping to the same bucket share what they learn about it.
    static func breakerKey(_ spec: DestinationSpec) -> String {
        switch spec.location {
        case .local(let path): return "local:\(path)"
        case .s3(let s3): return "s3:\(s3.endpoint)/\(s3.bucket)/\(s3.prefix)"
        case .rclone(let r): return "rclone:\(r.config):\(r.remote)"
        }
    }
}

/// The catalog as the circuit breakers' store.
struct CatalogBreakerStore: BreakerStore {
    let catalog: Catalog
    let now: @Sendable () -> Date

    func update<T>(_ destination: String, _ body: (inout CircuitBreaker.State) throws -> T) throws -> T {
        try catalog.updateBreaker(destination, at: now()) { row in
            var s = CircuitBreaker.State(
                phase: CircuitBreaker.Phase(rawValue: row.phase) ?? .closed, consecutiveFailures: row.failures,
                openedAt: row.openedAt, probeAt: row.probeAt, lastError: row.lastError)
            let r = try body(&s)
            row.phase = s.phase.rawValue
            row.failures = s.consecutiveFailures
            row.openedAt = s.openedAt
            row.probeAt = s.probeAt
            row.lastError = s.lastError
            return r
        }
    }
}
