/// The disaster recovery plan as plain values, ready to print: what each service must meet, what was
/// measured against it, how each resource is backed up and brought back, and who holds the keys.
/// It exists so the two places a plan comes from (a backup host's policies, the recovery host's view
/// of the fleet) fill one shape, and both renderers (Markdown, HTML) print that shape alone.
package struct RecoveryPlan: Sendable, Equatable {
    /// One row of the first table: a service, the disaster it is written against and its objectives,
    /// with what was measured beside them.
    package struct Service: Sendable, Equatable {
        package var name: String
        package var scenario: String
        package var rpo: String
        /// `not set` when the policy names no RTO.
        package var rto: String
        package var priority: String
        /// The newest complete backup's age against the RPO (`2h 5m old: within the RPO`).
        package var newestBackup: String
        /// The last drill, when and how it ended (`2026-11-29T10:00:00Z: passed`), or why there is none.
        package var lastDrill: String
        /// The drill's measured restore time against the RTO (`12s of 1h: met`).
        package var restoreTime: String

        package init(
            name: String, scenario: String, rpo: String, rto: String, priority: String, newestBackup: String,
            lastDrill: String, restoreTime: String
        ) {
            self.name = name
            self.scenario = scenario
            self.rpo = rpo
            self.rto = rto
            self.priority = priority
            self.newestBackup = newestBackup
            self.lastDrill = lastDrill
            self.restoreTime = restoreTime
        }
    }

    /// One row of the second table: a resource, how it is backed up, where the copies are and how it
    /// comes back.
    package struct Resource: Sendable, Equatable {
        package var name: String
        package var strategy: String
        package var location: String
        package var procedure: String
        /// The failure domains that hold a copy of the newest backup (`site-a, provider-b`).
        package var copies: String

        package init(name: String, strategy: String, location: String, procedure: String, copies: String) {
            self.name = name
            self.strategy = strategy
            self.location = location
            self.procedure = procedure
            self.copies = copies
        }
    }

    /// The exact commands that bring one resource back: with Lifeboat, and with stock tools alone.
    package struct Procedure: Sendable, Equatable {
        package var name: String
        package var kind: String
        /// Shell lines using Lifeboat.
        package var lifeboat: [String]
        /// Shell lines using only stock tools (a shell, gpg, gunzip, tar, the database clients).
        package var stock: [String]
        /// What to know before running them, one sentence each.
        package var notes: [String]

        package init(name: String, kind: String, lifeboat: [String], stock: [String], notes: [String]) {
            self.name = name
            self.kind = kind
            self.lifeboat = lifeboat
            self.stock = stock
            self.notes = notes
        }
    }

    /// One key the plan depends on and its fingerprint.
    package struct Key: Sendable, Equatable {
        /// What the key is for (`recipient`, `identity`, `trusted signer`, `host signing key`).
        package var role: String
        /// Where it was read from, or whose it is.
        package var label: String
        /// 40 hex digits, or why it could not be read.
        package var fingerprint: String

        package init(role: String, label: String, fingerprint: String) {
            self.role = role
            self.label = label
            self.fingerprint = fingerprint
        }
    }

    package var title: String
    /// The host or fleet the plan describes, one line.
    package var subject: String
    /// ISO 8601 UTC.
    package var generatedAt: String
    package var services: [Service]
    package var resources: [Resource]
    package var procedures: [Procedure]
    package var keys: [Key]
    /// Key custody: where the secret keys and the signing key are, one sentence each.
    package var custody: [String]
    /// Problems met while gathering the plan (an unreadable key, a refused index), one line each.
    package var warnings: [String]

    package init(
        title: String, subject: String, generatedAt: String, services: [Service], resources: [Resource],
        procedures: [Procedure], keys: [Key], custody: [String], warnings: [String]
    ) {
        self.title = title
        self.subject = subject
        self.generatedAt = generatedAt
        self.services = services
        self.resources = resources
        self.procedures = procedures
        self.keys = keys
        self.custody = custody
        self.warnings = warnings
    }
}
