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

    /// What produces the plaintext, as the source's kind says.
    public var kind: Kind { source.kind }

    /// The time between backups: the schedule, or half the RPO so one failed run still meets it.
    public var interval: DurationValue {
        schedule ?? DurationValue(seconds: max(60, objectives.rpo.seconds / 2))
    }
}
