import LifeboatCore

/// Where a backup is shipped: a local directory (NAS mount) or an S3-compatible bucket, with how
/// failures there are retried.
package struct DestinationSpec: Sendable {
    package var name: String
    package var location: Location
    package var failureDomain: String?
    /// `rate_limit`: the most bytes per second shipped to this destination, across its concurrent uploads.
    package var rateLimit: Int64?
    /// What `rate_limit` may be: from 1KiB/s to 10GiB/s.
    package static let rateLimitRange = ByteSize(bytes: 1 << 10)...ByteSize(bytes: 10 << 30)
    /// How failures are retried and when the destination is skipped.
    package var retry = RetrySpec()
    package var breaker = BreakerSpec()
    /// Chunks of one backup uploaded at the same time.
    package var concurrency: Int = Self.defaultConcurrency
    package static let defaultConcurrency = 4

    /// The type-specific part: each type with exactly the settings it needs, checked at load.
    package enum Location: Sendable {
        /// The resolved root directory.
        case local(path: String)
        case s3(S3DestinationSpec)
    }

    package init(name: String, location: Location) {
        self.name = name
        self.location = location
    }
}

/// An S3-compatible bucket as a policy names it: required settings are not optional, the others
/// hold their defaults.
package struct S3DestinationSpec: Sendable {
    /// An http or https URL with a host.
    package var endpoint: String
    package var bucket: String
    package var region: String = "us-east-1"
    /// Put in front of every key; empty when not given.
    package var prefix: String = ""
    /// The resolved path of the credentials file (checked not readable by others); nil: the environment.
    package var credentials: String?
    package var virtualHosted: Bool = false
    /// Objects above this go up in parts of `partSize`.
    package var multipartThreshold: Int64 = 64 << 20
    package var partSize: Int64 = 16 << 20
    /// Seconds the server may stay silent before a request is abandoned (and retried).
    package var idleTimeout: Double = 60
    /// Seconds to keep trying to open a connection (an unreachable server costs this much per try).
    package var connectTimeout: Double = 10

    package init(endpoint: String, bucket: String) {
        self.endpoint = endpoint
        self.bucket = bucket
    }
}

/// Truncated exponential backoff with full jitter, per destination: `retry: {base, cap, attempts, max_elapsed}`.
package struct RetrySpec: Sendable, Equatable {
    /// Seconds.
    package var base: Double = 0.5
    package var cap: Double = 30
    package var attempts: Int = 5
    package var maxElapsed: Double = 120
    package init() {}
}

/// The circuit breaker, per destination: `breaker: {failures, cool_down}`.
package struct BreakerSpec: Sendable, Equatable {
    package var failures: Int = 5
    /// Seconds.
    package var coolDown: Double = 300
    package init() {}
}
