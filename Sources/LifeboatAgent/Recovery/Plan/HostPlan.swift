import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatPlan

/// The plan as a backup host knows it: its policies' objectives and strategy, the newest complete
/// backup in its catalog and where its copies landed, and the recipients' public keys. Drills run on
/// the recovery host, so this plan says so rather than guess.
package enum HostPlan {
    package static func build(_ ctx: AgentContext) throws -> RecoveryPlan {
        let now = ctx.now()
        let policies = ctx.configuration.policies
        let host = ctx.agent.host
        let summaries = try ctx.catalog.policySummaries(policies.map(\.name), now: now)
        let byName = Dictionary(summaries.map { ($0.policy, $0) }, uniquingKeysWith: { a, _ in a })
        var services: [RecoveryPlan.Service] = []
        var resources: [RecoveryPlan.Resource] = []
        var procedures: [RecoveryPlan.Procedure] = []
        for policy in policies {
            let o = policy.manifestObjectives
            let newest = byName[policy.name]?.newestComplete
            services.append(
                RecoveryPlan.Service(
                    name: policy.name, scenario: PlanText.scenario(o.scenario), rpo: PlanText.duration(o.rpo),
                    rto: PlanText.rto(o.rto), priority: o.priority,
                    newestBackup: PlanText.newestBackup(
                        id: newest?.id.description, started: newest?.started, rpo: o.rpo, now: now),
                    lastDrill: "drills run on the recovery host", restoreTime: "not measured on this host"))
            let shipped =
                try newest.flatMap { try ctx.catalog.backup(id: $0.id) }?.copies
                .filter { $0.status == .shipped }.map(\.destination.description) ?? []
            let domains = PlanText.failureDomains(shipped) { name in
                policy.destinations.first { $0.name == name }?.failureDomain
            }
            resources.append(
                RecoveryPlan.Resource(
                    name: policy.name, strategy: strategy(policy),
                    location: policy.destinations.map { PlanLocation.describe($0, host: host, policy: policy.name) }
                        .joined(separator: "; "),
                    procedure: RecoveryRecipe.summary(kind: policy.kind.rawValue), copies: domains))
            let fetchFrom = policy.destinations.first { shipped.contains($0.name) } ?? policy.destinations.first
            procedures.append(
                RecoveryPlan.Procedure(
                    name: policy.name, kind: policy.kind.rawValue,
                    lifeboat: RecoveryRecipe.lifeboatRestore(
                        policy: policy.name, kind: policy.kind.rawValue, config: PlanText.absolute(ctx.agent.file),
                        into: restoreInto(policy)),
                    stock: RecoveryRecipe.stock(
                        host: host, policy: policy.name, kind: policy.kind.rawValue, backupID: newest?.id.description,
                        destination: fetchFrom),
                    notes: RecoveryRecipe.notes(backupID: newest?.id.description, destination: fetchFrom)))
        }
        var warnings: [String] = []
        let keys = recipientKeys(policies, warnings: &warnings) + [signingKey(ctx, warnings: &warnings)]
        return RecoveryPlan(
            title: "Disaster recovery plan: \(host)",
            subject: "backup host \(host) (\(PlanText.count(policies.count, "policy", "policies")))",
            generatedAt: Timestamp.iso8601(now), services: services, resources: resources, procedures: procedures,
            keys: keys, custody: custody(ctx), warnings: warnings)
    }

    /// `sqlite database file /var/lib/x.db, every 6h, gzip level 6, encrypted to 2 recipients; keep ...`
    static func strategy(_ policy: Policy) -> String {
        let what: String
        switch policy.source {
        case .files(let s): what = "pax tar of \(s.paths.joined(separator: ", "))"
        case .sqlite(let s): what = "consistent copy of the SQLite database \(s.database)"
        case .postgres: what = "pg_dump --format=custom"
        case .mariadb(let s):
            switch s.databases {
            case nil: what = "mariadb-dump --single-transaction of database \(s.database)"
            case .all?:
                what =
                    "mariadb-dump --single-transaction of every database" + (s.users ? ", with users and grants" : "")
            case .named(let names)?:
                what =
                    "mariadb-dump --single-transaction of databases \(names.joined(separator: ", "))"
                    + (s.users ? ", with users and grants" : "")
            }
        case .command(let s): what = "standard output of \(s.argv.joined(separator: " "))"
        }
        let snapshot = policy.source.snapshot.map { _ in " from a snapshot" } ?? ""
        let r = policy.retention
        return
            "\(what)\(snapshot), every \(policy.interval), \(policy.compression.rawValue) level \(policy.compressionLevel), "
            + "encrypted to \(PlanText.count(policy.recipients.count, "recipient", "recipients")), signed by the host key; keep last \(r.keepLast), "
            + "daily \(r.keepDaily), weekly \(r.keepWeekly), monthly \(r.keepMonthly); data: \(policy.data)"
    }

    /// The connection words a database restore loads into: the source's server, a new database.
    static func restoreInto(_ policy: Policy) -> String? {
        switch policy.source {
        case .postgres(let s):
            let words = s.dsn.split(separator: " ").map(String.init).filter { !$0.hasPrefix("dbname=") }
            return (words + ["dbname=\(RecoveryRecipe.restoredDatabase(policy.name))"]).joined(separator: " ")
        case .mariadb(let s) where s.databases != nil:
            return nil  // a whole-server dump goes into a fresh server, whose address the plan cannot know
        case .mariadb(let s):
            var words: [String] = []
            if let v = s.socket { words.append("socket=\(v)") }
            if let v = s.host { words.append("host=\(v)") }
            if let v = s.port { words.append("port=\(v)") }
            if let v = s.user { words.append("user=\(v)") }
            words.append("database=\(RecoveryRecipe.restoredDatabase(policy.name))")
            return words.joined(separator: " ")
        default:
            return nil
        }
    }

    /// Every recipient's public key once, with its fingerprint (or why it cannot be read).
    static func recipientKeys(_ policies: [Policy], warnings: inout [String]) -> [RecoveryPlan.Key] {
        var seen: [String] = []
        var keys: [RecoveryPlan.Key] = []
        for path in policies.flatMap(\.recipients) where !seen.contains(path) {
            seen.append(path)
            do {
                let key = try OpenPGPPublicKey.load(contentsOf: path)
                let who = key.userIDs.first.map { " (\($0))" } ?? ""
                keys.append(
                    RecoveryPlan.Key(
                        role: "recipient (public key on this host)", label: path + who, fingerprint: key.fingerprint))
            } catch {
                warnings.append("\(path): cannot read this recipient's key: \(error)")
                keys.append(
                    RecoveryPlan.Key(
                        role: "recipient (public key on this host)", label: path, fingerprint: "unreadable"))
            }
        }
        return keys
    }

    static func signingKey(_ ctx: AgentContext, warnings: inout [String]) -> RecoveryPlan.Key {
        let path = ctx.agent.signingKey
        let fingerprint: String
        do {
            fingerprint = try HostSigningKey.load(path: path)?.fingerprint ?? "not made yet: the first backup makes it"
        } catch {
            warnings.append("\(error)")
            fingerprint = "unreadable"
        }
        return RecoveryPlan.Key(role: "host signing key (secret, on this host)", label: path, fingerprint: fingerprint)
    }

    static func custody(_ ctx: AgentContext) -> [String] {
        [
            "This host holds the recipients' public keys only: it can make backups but cannot read them.",
            "Each recipient's secret key is kept in two places off this host (for example a safe and the recovery host), its passphrase apart from it; without one of them no backup can be read.",
            "The host's signing key is at \(ctx.agent.signingKey) on this host (mode 0600); its public half (lifeboat signing-key) is what the recovery host and every reader trust.",
        ]
    }
}
