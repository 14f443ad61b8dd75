import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

/// The `verify` use case: reads every chunk of a backup back from every destination of its policy,
/// streaming, and checks its size and sha256 against the catalog, and that the manifest there is
/// signed by a trusted signer and lists the same chunks.
/// Nothing is written at a destination; each gets its own verdict. A copy whose objects are gone
/// (its manifest or a chunk missing) is marked lost in the catalog, so the next `run` refills it from
/// a destination that still holds the backup.
package struct VerifyUseCase: Sendable {
    package let ctx: AgentContext
    let makeDestination: @Sendable (DestinationSpec) throws -> Destination

    package init(_ ctx: AgentContext) {
        let logger = ctx.logger
        self.init(ctx, makeDestination: { try DestinationFactory.makeReading($0, logger: logger) })
    }

    init(_ ctx: AgentContext, makeDestination: @escaping @Sendable (DestinationSpec) throws -> Destination) {
        self.ctx = ctx
        self.makeDestination = makeDestination
    }

    /// One destination's verdict on one backup.
    package struct DestinationReport: Sendable {
        package let destination: String
        package var chunksChecked = 0
        package var bytesChecked: Int64 = 0
        /// One line per problem: a missing or damaged chunk, a missing manifest, an unreachable destination.
        package var problems: [String] = []
        /// Why the copy counts as lost (objects gone, not merely unreadable now); nil when it does not.
        package var lost: String?
        package var ok: Bool { problems.isEmpty }
    }

    package struct Report: Sendable {
        package let policy: String
        package let id: BackupID
        package var destinations: [DestinationReport]
        package var ok: Bool { destinations.allSatisfy(\.ok) }
    }

    /// Verifies backup `id`, or the newest backup of each policy that some destination holds; a policy
    /// with no shipped backup is an error here (use `verifyEach` to pass over them).
    package func verify(policies: [Policy], id requested: RequestedBackup?, signerFiles: [String] = []) async throws
        -> [Report]
    {
        let result = try await verifyEach(policies: policies, id: requested, signerFiles: signerFiles)
        if let first = result.notYet.first { throw LifeboatError.failed(first) }
        return result.reports
    }

    /// As `verify`, but a policy with no shipped backup yet is reported in `notYet` and the others are
    /// still verified: what `verify` without a policy name does.
    package func verifyEach(policies: [Policy], id requested: RequestedBackup?, signerFiles: [String] = [])
        async throws -> (reports: [Report], notYet: [String])
    {
        let signers = try TrustedSigners.load(ctx, extra: signerFiles)
        if let requested {
            guard let id = requested.id, let record = try ctx.catalog.backup(id: id) else {
                throw LifeboatError(
                    .usage, "no backup \(requested) in the catalog", hint: "lifeboat list --all shows every id")
            }
            guard let policy = policies.first(where: { $0.name == record.policy }) else {
                let configured = ctx.configuration.policies.contains { $0.name == record.policy }
                throw LifeboatError(
                    .usage,
                    configured
                        ? "backup \(id) belongs to policy \(record.policy), not \(policies.map(\.name).joined(separator: ", "))"
                        : "backup \(id) belongs to policy \(record.policy), which is not configured")
            }
            return ([await verify(record, policy: policy, signers: signers)], [])
        }
        var reports: [Report] = []
        var notYet: [String] = []
        for policy in policies {
            let candidates = try ctx.catalog.backups(policy: policy.name)
                .filter { $0.retention == .live && $0.copies.contains { $0.status == .shipped } }
                .sorted { $0.started > $1.started }
            guard let newest = candidates.first else {
                notYet.append("\(policy.name): no shipped backup to verify")
                continue
            }
            reports.append(await verify(newest, policy: policy, signers: signers))
        }
        return (reports, notYet)
    }

    func verify(_ record: BackupRecord, policy: Policy, signers: [OpenPGPVerifyingKey]) async -> Report {
        let chunks = (try? ctx.catalog.chunks(id: record.id)) ?? []
        let prefix = ctx.objectPrefix(host: record.host, policy: record.policy, id: record.id)
        let expectation = ManifestReader.Expectation(
            host: record.host, policy: policy.name, kind: policy.kind.rawValue, id: record.id, now: ctx.now())
        var out: [DestinationReport] = []
        ctx.progress.start(
            "verify \(record.policy)", expectedIn: chunks.reduce(0) { $0 + $1.size } * Int64(policy.destinations.count),
            chunksTotal: chunks.count)
        await withTaskGroup(of: DestinationReport.self) { group in
            for spec in policy.destinations {
                if let copy = record.copies.first(where: { $0.destination == DestinationName(spec.name) }),
                    copy.status != .shipped
                {
                    // The catalog knows it is not there (yet): say so rather than list every chunk as missing.
                    var r = DestinationReport(destination: spec.name)
                    r.problems.append(
                        "not shipped here (\(copy.status.rawValue)" + (copy.error.map { ": \($0)" } ?? "") + ")")
                    let report = r
                    group.addTask { report }
                    continue
                }
                group.addTask {
                    await verify(spec, chunks: chunks, prefix: prefix, expectation: expectation, signers: signers)
                }
            }
            for await r in group { out.append(r) }
        }
        let order = policy.destinations.map(\.name)
        out.sort { (order.firstIndex(of: $0.destination) ?? 0) < (order.firstIndex(of: $1.destination) ?? 0) }
        for r in out {
            guard let why = r.lost else { continue }
            do {
                if try ctx.catalog.markCopyLost(id: record.id, destination: r.destination, reason: why, at: ctx.now()) {
                    ctx.logger.warning(
                        "\(record.id): the copy at \(r.destination) is lost (\(why)); the next run refills it from another destination"
                    )
                }
            } catch {
                ctx.logger.error("\(record.id): the catalog did not take the lost copy at \(r.destination): \(error)")
            }
        }
        return Report(policy: policy.name, id: record.id, destinations: out)
    }

    func verify(
        _ spec: DestinationSpec, chunks: [Manifest.Chunk], prefix: String, expectation: ManifestReader.Expectation,
        signers: [OpenPGPVerifyingKey]
    ) async -> DestinationReport {
        var report = DestinationReport(destination: spec.name)
        if chunks.isEmpty { report.problems.append("the catalog lists no chunks for this backup") }
        let destination: Destination
        do {
            destination = try makeDestination(spec)
        } catch {
            report.problems.append("cannot reach: \(error)")
            return report
        }
        do {
            let signed = try await SignedManifest.fetch(
                from: destination, prefix: prefix, expecting: expectation, signers: signers)
            if let earlier = signed.earlierVersion { report.problems.append(earlier) }
            if signed.manifest.chunks != chunks {
                report.problems.append("manifest.json does not list the chunks the catalog has")
            }
        } catch let e as SignedManifest.Refusal {
            report.problems.append(e.reason)
            if e.missing { report.lost = report.lost ?? "manifest.json missing, found by verify" }
        } catch {
            report.problems.append("manifest.json: \((error as? StorageError)?.message ?? String(describing: error))")
        }
        for chunk in chunks {
            do {
                let found = try await destination.readDigest(prefix + chunk.name)
                let size = found.size
                let digest = found.sha256
                report.chunksChecked += 1
                report.bytesChecked += size
                ctx.progress.addIn(Int(size))
                ctx.progress.chunkDone(at: spec.name)
                if size != chunk.size {
                    report.problems.append(
                        await overwritten(chunk, key: prefix + chunk.name, at: destination)
                            ?? "\(chunk.name) is damaged: size \(size), expected \(chunk.size)")
                } else if digest != chunk.sha256 {
                    report.problems.append(
                        await overwritten(chunk, key: prefix + chunk.name, at: destination)
                            ?? "\(chunk.name) is damaged: sha256 \(digest), expected \(chunk.sha256)")
                }
            } catch let e as StorageError where e.isNotFound {
                report.problems.append("\(chunk.name) is missing")
                report.lost = report.lost ?? "\(chunk.name) missing, found by verify"
            } catch {
                report.problems.append(
                    "\(chunk.name): \((error as? StorageError)?.message ?? String(describing: error))")
            }
        }
        if let recovering = destination as? VersionRecoveringDestination {
            // Objects read through a delete marker: intact, but hidden from anyone not looking for them.
            for r in recovering.recoveries where r.key.hasPrefix(prefix) {
                let name = r.key.dropFirst(prefix.count)
                let lock = await IntactVersion.lockText(r.key, version: r.version, at: recovering)
                report.problems.append("\(name): current version deleted; version \(r.version) intact\(lock)")
            }
        }
        return report
    }

    /// "current version overwritten; version V intact" when an earlier version still matches, else nil.
    func overwritten(_ chunk: Manifest.Chunk, key: String, at destination: Destination) async -> String? {
        guard let recovering = destination as? VersionRecoveringDestination,
            let version = try? await IntactVersion.find(
                key, at: recovering, size: chunk.size, sha256: chunk.sha256,
                read: { try await IntactVersion.readDigest(key, version: $0.id, from: recovering.history) })
        else { return nil }
        let lock = await IntactVersion.lockText(key, version: version.id, at: recovering)
        return "\(chunk.name): current version overwritten; version \(version.id) intact\(lock)"
    }
}
