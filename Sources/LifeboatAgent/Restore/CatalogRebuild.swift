import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// Rebuilds the catalog from the manifests at each policy's destinations: on a new host after a
/// disaster the catalog is gone, but every backup (and every archived binary log) describes itself,
/// so restore can start from there.
package struct CatalogRebuild {
    package let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    /// Counts for one policy.
    package struct Outcome: Sendable {
        package var policy: String
        package var added = 0
        package var copies = 0
        /// Archived binary logs recorded (a `binlog` policy's).
        package var binlogs = 0
        package var problems: [String] = []
        /// When nothing of the host was found: the other hosts whose folders hold this policy (a new
        /// host rebuilding under a new name should name the old one with `--host`).
        package var otherHosts: [String] = []
    }

    /// Scans `<host>/<policy>/` at every destination of each policy. `host` defaults to this host's name:
    /// name the old host to take over its backups. Only manifests signed by a trusted signer, whose
    /// fields describe a backup of that host and policy, are recorded; every other one is named in
    /// the outcome's problems and left out.
    package func run(policies: [Policy], host: String? = nil, signerFiles: [String] = []) async throws -> [Outcome] {
        let signers = try TrustedSigners.load(ctx, extra: signerFiles)
        guard !signers.isEmpty else {
            throw LifeboatError(
                .usage, "no trusted signer: rebuild-catalog records only backups signed by a key it trusts",
                hint: "name the old host's public signing key in trusted_signers or with --signer FILE")
        }
        let owner = host ?? ctx.agent.host
        var outcomes: [Outcome] = []
        for policy in policies {
            var outcome = Outcome(policy: policy.name)
            let prefix = "\(owner)/\(policy.name)/"
            var found = false
            var others = Set<String>()
            for spec in policy.destinations {
                do {
                    let destination = try DestinationFactory.makeReading(spec, logger: ctx.logger)
                    let ids = try await backupIDs(at: destination, prefix: prefix, problems: &outcome.problems)
                    found = found || !ids.isEmpty
                    if ids.isEmpty { others.formUnion(try await hosts(holding: policy.name, at: destination)) }
                    for id in ids {
                        let expectation = ManifestReader.Expectation(
                            host: owner, policy: policy.name, kind: policy.kind.rawValue, id: id, now: ctx.now())
                        do {
                            let signed = try await SignedManifest.fetch(
                                from: destination, prefix: prefix + id.rawValue + "/", expecting: expectation,
                                signers: signers)
                            if let earlier = signed.earlierVersion {
                                ctx.logger.warning("\(spec.name): \(id): \(earlier)")
                            }
                            if try ctx.catalog.backup(id: id) != nil,
                                try ctx.catalog.chunks(id: id) != signed.manifest.chunks
                            {
                                outcome.problems.append(
                                    "\(spec.name): \(id): its manifest lists other chunks than the catalog has; not recorded"
                                )
                                continue
                            }
                            switch try ctx.catalog.importManifest(
                                signed.manifest, destination: spec.name, destinations: policy.destinations.map(\.name),
                                at: ctx.now())
                            {
                            case .added: outcome.added += 1
                            case .copyRecorded: outcome.copies += 1
                            case .known: break
                            }
                        } catch let e as SignedManifest.Refusal {
                            if !e.missing { outcome.problems.append("\(spec.name): \(id): refused: \(e.reason)") }
                        }
                    }
                } catch let e as StorageError {
                    outcome.problems.append(e.description)
                }
            }
            outcome.binlogs = await rebuildBinlogs(
                policy, owner: owner, signers: signers, problems: &outcome.problems)
            if !found { outcome.otherHosts = others.subtracting([owner]).sorted() }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// The hosts with a folder for `policy` at `destination` (one listing of hosts, one per host).
    func hosts(holding policy: String, at destination: Destination) async throws -> [String] {
        var out: [String] = []
        for host in try await destination.listFolders(prefix: "") where ObjectKey.isValid(host) && !host.contains("/") {
            if try await destination.listFolders(prefix: host + "/").contains(policy) { out.append(host) }
        }
        return out
    }

    /// The backup ids whose manifests a listing names, checked: a key that is not exactly
    /// `<prefix><valid id>/manifest.json` is reported and skipped.
    func backupIDs(at destination: Destination, prefix: String, problems: inout [String]) async throws -> [BackupID] {
        let suffix = "/manifest.json"
        var ids: [BackupID] = []
        // Archived binary logs (`binlog/<name>/manifest.json`) are not backups.
        for key in try await destination.list(prefix: prefix)
        where key.hasSuffix(suffix) && !key.hasPrefix(prefix + "binlog/") {
            let middle = String(key.dropFirst(prefix.count).dropLast(suffix.count))
            guard key.hasPrefix(prefix), key.count >= prefix.count + suffix.count, let id = BackupID(middle) else {
                problems.append("\(destination.name): ignored \(ManifestReader.quoted(key)): not a backup's manifest")
                continue
            }
            ids.append(id)
        }
        return ids.sorted()
    }
}
