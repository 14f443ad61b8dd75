/// Where a backup is shipped: a local directory (NAS mount) or an S3-compatible bucket, with how
/// failures there are retried.
public struct DestinationSpec: Sendable {
    public var name: String
    public var location: Location
    public var failureDomain: String?
    /// How failures are retried and when the destination is skipped.
    public var retry = RetrySpec()
    public var breaker = BreakerSpec()
    /// Chunks of one backup uploaded at the same time.
    public var concurrency: Int = Self.defaultConcurrency
    public static let defaultConcurrency = 4

    /// The type-specific part: each type with exactly the settings it needs, checked at load.
    public enum Location: Sendable {
        /// The resolved root directory.
        case local(path: String)
        case s3(S3DestinationSpec)
    }

    public init(name: String, location: Location) {
        self.name = name
        self.location = location
    }
}

/// An S3-compatible bucket as a policy names it: required settings are not optional, the others
/// hold their defaults.
public struct S3DestinationSpec: Sendable {
    /// An http or https URL with a host.
    public var endpoint: String
    public var bucket: String
    public var region: String = "us-east-1"
    /// Put in front of every key; empty when not given.
    public var prefix: String = ""
    /// The resolved path of the credentials file (checked not readable by others); nil: the environment.
    public var credentials: String?
    public var virtualHosted: Bool = false
    /// Objects above this go up in parts of `partSize`.
    public var multipartThreshold: Int64 = 64 << 20
    public var partSize: Int64 = 16 << 20
    /// Seconds the server may stay silent before a request is abandoned (and retried).
    public var idleTimeout: Double = 60
    /// Seconds to keep trying to open a connection (an unreachable server costs this much per try).
    public var connectTimeout: Double = 10

    public init(endpoint: String, bucket: String) {
        self.endpoint = endpoint
        self.bucket = bucket
    }
}

/// Truncated exponential backoff with full jitter, per destination: `retry: {base, cap, attempts, max_elapsed}`.
public struct RetrySpec: Sendable, Equatable {
    /// Seconds.
    public var base: Double = 0.5
    public var cap: Double = 30
    public var attempts: Int = 5
    public var maxElapsed: Double = 120
    public init() {}
}

/// The circuit breaker, per destination: `breaker: {failures, cool_down}`.
public struct BreakerSpec: Sendable, Equatable {
    public var failures: Int = 5
    /// Seconds.
    public var coolDown: Double = 300
    public init() {}
}
