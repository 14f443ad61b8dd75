import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatPlan

/// The plan as the recovery host knows it: every host and policy found at the destinations, their
/// objectives as the signed `latest.json` carries them, the copies found, and the recovery host's own
/// drills with their measured restore times. The backup hosts' configs are not needed.
package enum FleetPlan {
    package static func build(_ ctx: RecoveryContext, entries: [FleetEntry]) -> RecoveryPlan {
        let now = ctx.now()
        let sorted = entries.sorted { ($0.host, $0.policy) < ($1.host, $1.policy) }
        var services: [RecoveryPlan.Service] = []
        var resources: [RecoveryPlan.Resource] = []
        var procedures: [RecoveryPlan.Procedure] = []
        var warnings: [String] = []
        for e in sorted {
            warnings += e.problems.map { "\(e.name): \($0)" }
            let o = e.latest?.objectives
            let started = e.latest.flatMap { Timestamp.parseISO8601($0.started) }
            services.append(
                RecoveryPlan.Service(
                    name: e.name, scenario: PlanText.scenario(o?.scenario),
                    rpo: o.map { PlanText.duration($0.rpo) } ?? "unknown",
                    rto: o.map { PlanText.rto($0.rto) } ?? "unknown", priority: o?.priority ?? "unknown",
                    newestBackup: PlanText.newestBackup(id: e.latest?.id, started: started, rpo: o?.rpo ?? 0, now: now),
                    lastDrill: PlanText.lastDrill(e.lastDrill),
                    restoreTime: PlanText.restoreTime(e.lastDrill, rto: o?.rto)))
            let kind = e.latest?.kind ?? "unknown"
            let specs = e.holding.compactMap { ctx.spec(named: $0) }
            let location =
                specs.isEmpty
                ? "not found at any destination this host reads"
                : specs.map { PlanLocation.describe($0, host: e.host, policy: e.policy) }.joined(separator: "; ")
            resources.append(
                RecoveryPlan.Resource(
                    name: e.name, strategy: strategy(e.latest), location: location,
                    procedure: RecoveryRecipe.summary(kind: kind),
                    copies: PlanText.failureDomains(e.holding) { ctx.spec(named: $0)?.failureDomain }))
            var lifeboat = [
                "# prove it here first (restores into the scratch folder, times it against the RTO):",
                ShellWord.line(["lifeboat", "drill", e.name, "--config", PlanText.absolute(ctx.config.file)]),
                "# on the replacement for \(e.host) (its config names the policy, its destinations and host: \(e.host)):",
                ShellWord.line(["lifeboat", "rebuild-catalog", e.policy, "--host", e.host]),
            ]
            lifeboat += RecoveryRecipe.lifeboatRestore(
                policy: e.policy, kind: kind, config: nil, into: placeholderInto(kind: kind, policy: e.policy))
            procedures.append(
                RecoveryPlan.Procedure(
                    name: e.name, kind: kind, lifeboat: lifeboat,
                    stock: RecoveryRecipe.stock(
                        host: e.host, policy: e.policy, kind: kind, backupID: e.latest?.id, destination: specs.first),
                    notes: RecoveryRecipe.notes(backupID: e.latest?.id, destination: specs.first)))
        }
        let hosts = Set(sorted.map(\.host)).sorted()
        let keys = identityKeys(ctx, warnings: &warnings) + signerKeys(ctx) + hostSigners(sorted)
        let read = ctx.config.destinations.map(\.name).joined(separator: ", ")
        return RecoveryPlan(
            title: "Disaster recovery plan: fleet",
            subject:
                "the fleet at destinations \(read): \(PlanText.count(hosts.count, "host", "hosts")) (\(hosts.joined(separator: ", "))), \(PlanText.count(sorted.count, "policy", "policies"))",
            generatedAt: Timestamp.iso8601(now), services: services, resources: resources, procedures: procedures,
            keys: keys, custody: custody(ctx), warnings: warnings)
    }

    static func strategy(_ latest: LatestIndex?) -> String {
        guard let l = latest else { return "unknown: no trusted latest.json" }
        return "\(l.kind) backup (\(l.payload)), every \(PlanText.duration(l.objectives.schedule)), "
            + "drilled every \(PlanText.duration(l.objectives.drill)), encrypted, signed by \(l.host)'s key"
    }

    /// The recovery host does not know the fleet's database servers: the words name what to fill in.
    static func placeholderInto(kind: String, policy: String) -> String? {
        let db = RecoveryRecipe.restoredDatabase(policy)
        switch kind {
        case "postgres": return "host=NEW-SERVER dbname=\(db) user=postgres"
        case "mariadb": return "host=NEW-SERVER user=root database=\(db)"
        default: return nil
        }
    }

    static func identityKeys(_ ctx: RecoveryContext, warnings: inout [String]) -> [RecoveryPlan.Key] {
        ctx.config.identities.map { identity in
            let fingerprint: String
            do {
                fingerprint = try OpenPGPSecretKey.fingerprint(contentsOf: identity.key)
            } catch {
                warnings.append("\(identity.key): cannot read this identity: \(error)")
                fingerprint = "unreadable"
            }
            return RecoveryPlan.Key(
                role: "identity (secret key on this recovery host)", label: identity.key, fingerprint: fingerprint)
        }
    }

    static func signerKeys(_ ctx: RecoveryContext) -> [RecoveryPlan.Key] {
        zip(ctx.config.trustedSigners, ctx.signers).map { path, key in
            let who = key.userIDs.first.map { " (\($0))" } ?? ""
            return RecoveryPlan.Key(role: "trusted signer (public)", label: path + who, fingerprint: key.fingerprint)
        }
    }

    /// The key each host signed its newest `latest.json` with, once per host and key.
    static func hostSigners(_ entries: [FleetEntry]) -> [RecoveryPlan.Key] {
        var seen: Set<String> = []
        var keys: [RecoveryPlan.Key] = []
        for e in entries {
            guard let l = e.latest, seen.insert("\(e.host) \(l.signer)").inserted else { continue }
            keys.append(
                RecoveryPlan.Key(
                    role: "host signing key (secret, on the host)", label: "\(e.host): its state folder (signing_key)",
                    fingerprint: l.signer))
        }
        return keys
    }

    static func custody(_ ctx: RecoveryContext) -> [String] {
        [
            "The identities' secret keys live on this recovery host (\(ctx.config.identities.map(\.key).joined(separator: ", "))) and in a second place off every backup host (a safe), each passphrase kept apart from its key; the backup hosts hold public keys only.",
            "Each backup host signs with its own key, kept in its state folder beside its catalog (signing_key, mode 0600); the public halves listed as trusted signers are the only signatures this host believes.",
            "Losing every copy of the identities' secret keys loses every backup: check both copies at each drill review.",
        ]
    }
}
