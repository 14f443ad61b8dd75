import LifeboatCore

/// One resource to protect, as one file in `policies/` describes it: what to copy, how often,
/// to whom it is encrypted, where it goes and how long it is kept.
package struct Policy: Sendable {
    /// What produces the plaintext.
    package enum Kind: String, Sendable, CaseIterable {
        case files, sqlite, postgres, mariadb, command
    }

    /// How important a policy is when several are due at once.
    package enum Priority: String, Sendable, CaseIterable, Comparable {
        case high, medium, low
        var rank: Int { self == .high ? 0 : self == .medium ? 1 : 2 }
        package static func < (a: Priority, b: Priority) -> Bool { a.rank < b.rank }
    }

    /// The recovery objectives the backups of this resource must meet.
    package struct Objectives: Sendable {
        package var rpo: DurationValue
        package var rto: DurationValue?
        package var priority: Priority
        package var scenario: String?
    }

    /// How many backups to keep and how lazily to delete the rest.
    package struct Retention: Sendable {
        package var keepLast = 3
        package var keepDaily = 7
        package var keepWeekly = 4
        package var keepMonthly = 6
        package var deletedGrace = DurationValue(seconds: 30 * 86400)
        package var softDeletedGrace = DurationValue(seconds: 15 * 86400)
    }

    package var name: String
    package var data: String
    package var source: SourceSpec
    package var objectives: Objectives
    /// How often to back up; nil means derived from the RPO (see `interval`).
    package var schedule: DurationValue?
    /// How often the recovery host should prove a restore of this policy (`drill: every 30d`).
    package var drill: DurationValue
    /// Resolved paths of the recipients' public keys.
    package var recipients: [String]
    /// The line of the policy file naming each recipient's key file, for messages about that key.
    package var recipientLines: [String: Int] = [:]
    package var compressionLevel: Int
    /// gzip (the default) or zstd; `compressionLevel` counts as that algorithm's tool does.
    package var compression: CompressionAlgorithm = .gzip
    package var chunkSize: ByteSize
    package var destinations: [DestinationSpec]
    package var retention: Retention
    /// The policy file, for messages.
    package var file: String
    /// Commands run before and after each backup.
    package var hooks = HooksSpec()
    /// `min_failure_domains`: how many distinct failure domains the newest complete backup must be held
    /// in before `check` is satisfied; nil: not checked.
    package var minFailureDomains: Int?
    /// `nice`: the CPU priority (-20 to 19) of Lifeboat's threads and dumpers while this policy is backed up.
    package var nice: Int32? = nil
    /// `ionice`: their I/O priority meanwhile.
    package var ionice: IOPriority? = nil
    /// `heartbeat_url`: this policy's own dead man's switch (`/start`, success, `/fail` per backup).
    package var heartbeatURL: String? = nil
    /// `binlog`: a mariadb policy's binary log archiving between dumps; nil when it keeps dumps only.
    package var binlog: BinlogSpec? = nil

    /// What produces the plaintext, as the source's kind says.
    package var kind: Kind { source.kind }

    /// The drill interval when the policy does not set one.
    package static let defaultDrillInterval = DurationValue(seconds: 30 * 86400)

    /// The time between backups: the schedule, or half the RPO so one failed run still meets it.
    package var interval: DurationValue {
        schedule ?? DurationValue(seconds: max(60, objectives.rpo.seconds / 2))
    }
}
