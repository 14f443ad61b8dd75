import LifeboatCore

/// Where a backup is shipped: a local directory (NAS mount), an S3-compatible bucket or any rclone
/// remote, with how failures there are retried.
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
    /// False (`delete: false`): nothing this host runs ever deletes there; prune only marks the catalog
    /// and `lifeboat purge` run from a machine with delete rights removes what retention released.
    package var deletes = true

    /// The type-specific part: each type with exactly the settings it needs, checked at load.
    package enum Location: Sendable {
        /// The resolved root directory.
        case local(path: String)
        case s3(S3DestinationSpec)
        case rclone(RcloneDestinationSpec)
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
    /// `object_lock: {mode, days}`: every object is written locked; nil when the key is absent.
    package var objectLock: ObjectLockSpec?

    package init(endpoint: String, bucket: String) {
        self.endpoint = endpoint
        self.bucket = bucket
    }
}

/// An rclone remote as a policy names it, checked at load: the config file is private and defines the
/// remote, and the rclone binary is on PATH, so a run never starts against a remote it cannot reach.
package struct RcloneDestinationSpec: Sendable {
    /// `name:path`, with `name` a section of `config`.
    package var remote: String
    /// The resolved path of the rclone config file.
    package var config: String
    /// The rclone binary found on PATH.
    package var binary: String
    /// Seconds rclone waits for a connection, and for a silent server.
    package var connectTimeout: Double = 10
    package var idleTimeout: Double = 60

    package init(remote: String, config: String, binary: String) {
        self.remote = remote
        self.config = config
        self.binary = binary
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

/// S3 Object Lock as a policy asks for it (`object_lock: {mode, days}`): every object written locked
/// for `days`, so whoever takes the host cannot delete or overwrite a kept backup before then.
package struct ObjectLockSpec: Sendable, Equatable {
    /// S3's two retention modes: governance can be lifted by an account holding
    /// `s3:BypassGovernanceRetention`; compliance by nobody, not even the account's root.
    package enum Mode: String, Sendable, CaseIterable {
        case governance
        case compliance
    }

    package var mode: Mode
    package var days: Int
    /// Where the key was written (the policy file's line), for a bucket that turns out to lack Object Lock.
    package var line: Int?

    /// S3 accepts retention up to 100 years.
    package static let dayRange = 1...36_500

    package init(mode: Mode, days: Int, line: Int? = nil) {
        self.mode = mode
        self.days = days
        self.line = line
    }
}
