import LifeboatCore

/// One resource to protect, as one file in `policies/` describes it: what to copy, how often,
/// to whom it is encrypted, where it goes and how long it is kept.
public struct Policy: Sendable {
    /// What produces the plaintext.
    public enum Kind: String, Sendable, CaseIterable {
        case files, sqlite, postgres, mariadb, command
    }

    /// How important a policy is when several are due at once.
    public enum Priority: String, Sendable, CaseIterable, Comparable {
        case high, medium, low
        var rank: Int { self == .high ? 0 : self == .medium ? 1 : 2 }
        public static func < (a: Priority, b: Priority) -> Bool { a.rank < b.rank }
    }

    /// The recovery objectives the backups of this resource must meet.
    public struct Objectives: Sendable {
        public var rpo: DurationValue
        public var rto: DurationValue?
        public var priority: Priority
        public var scenario: String?
    }

    /// How many backups to keep and how lazily to delete the rest.
    public struct Retention: Sendable {
        public var keepLast = 3
        public var keepDaily = 7
        public var keepWeekly = 4
        public var keepMonthly = 6
        public var deletedGrace = DurationValue(seconds: 30 * 86400)
        public var softDeletedGrace = DurationValue(seconds: 15 * 86400)
    }

    public var name: String
    public var kind: Kind
    public var data: String
    public var source: SourceSpec
    public var objectives: Objectives
    /// How often to back up; nil means derived from the RPO (see `interval`).
    public var schedule: DurationValue?
    /// Resolved paths of the recipients' public keys.
    public var recipients: [String]
    public var compressionLevel: Int
    public var chunkSize: ByteSize
    public var destinations: [DestinationSpec]
    public var retention: Retention
    /// The policy file, for messages.
    public var file: String

    /// The time between backups: the schedule, or half the RPO so one failed run still meets it.
    public var interval: DurationValue {
        schedule ?? DurationValue(seconds: max(60, objectives.rpo.seconds / 2))
    }
}

/// Where a backup is shipped: a local directory (NAS mount) or an S3-compatible bucket.
public struct DestinationSpec: Sendable {
    public enum Kind: String, Sendable { case local, s3 }
    public var name: String
    public var type: Kind
    public var failureDomain: String?
    /// local: the root directory.
    public var path: String?
    /// s3 settings.
    public var endpoint: String?
    public var bucket: String?
    public var region: String?
    public var prefix: String?
    public var credentials: String?
    public var virtualHosted: Bool = false
    /// How failures are retried and when the destination is skipped.
    public var retry = RetrySpec()
    public var breaker = BreakerSpec()
    /// Chunks of one backup uploaded at the same time.
    public var concurrency: Int = 4
    /// s3: objects above this go up in parts of `partSize`.
    public var multipartThreshold: Int64 = 64 << 20
    public var partSize: Int64 = 16 << 20
    /// s3: seconds the server may stay silent before a request is abandoned (and retried).
    public var idleTimeout: Double = 60
    /// s3: seconds to keep trying to open a connection (an unreachable server costs this much per try).
    public var connectTimeout: Double = 10

    public init(name: String, type: Kind) {
        self.name = name
        self.type = type
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

/// The kind-specific part of a policy: paths for `files`, a DSN for `postgres`, and so on.
public struct SourceSpec: Sendable {
    public var paths: [String] = []
    public var exclude: [String] = []
    public var database: String?
    public var dsn: String?
    public var passwordFile: String?
    public var host: String?
    public var port: Int?
    public var socket: String?
    public var user: String?
    public var command: [String] = []
    public var snapshot: SnapshotSpec?
}

/// The lock–sync–snapshot–unlock settings of a source.
public struct SnapshotSpec: Sendable {
    public var provider: String
    public var volume: String?
    public var lock: Bool
    public var maxLock: DurationValue
    public var create: [String] = []
    public var delete: [String] = []
    /// lvm: the size of the snapshot's copy-on-write area (`lvcreate --size`), e.g. `1G`.
    public var size: String?
}
