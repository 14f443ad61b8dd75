import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// The `purge --destination NAME` use case, for a destination the backup host may not delete at
/// (`delete: false`): run with credentials that may, it removes the objects of every backup the catalog
/// calls purged that are still there, once their lock (if any) has run out. Nothing else is touched.
package struct PurgeUseCase {
    package let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    /// What purge did at the destination for one policy.
    package struct Report: Sendable {
        package var policy: String
        package var lines: [String] = []
        package var errors: [String] = []
    }

    /// Purges at the destination named `destination` for every policy that names it. An unknown name is
    /// a usage error (exit 64).
    package func run(destination: String) async throws -> [Report] {
        let policies = ctx.configuration.policies.filter { p in p.destinations.contains { $0.name == destination } }
        guard !policies.isEmpty else {
            throw LifeboatError(
                .usage, "no policy names a destination \(destination)",
                hint: "the destination's name as a policy's destinations list gives it")
        }
        var reports: [Report] = []
        for policy in policies {
            guard let spec = policy.destinations.first(where: { $0.name == destination }) else { continue }
            reports.append(await purge(policy, at: spec))
        }
        return reports
    }

    func purge(_ policy: Policy, at spec: DestinationSpec) async -> Report {
        var report = Report(policy: policy.name)
        do {
            let purged = try ctx.catalog.backups(policy: policy.name, includeRemoved: true).filter {
                $0.retention == .purged
            }
            guard !purged.isEmpty else { return report }
            let destination = try DestinationFactory.makeReading(spec, logger: ctx.logger)
            var present: [String: Set<String>] = [:]  // "host/policy/" -> ids with objects there
            for record in purged {
                let host = record.host.isEmpty ? ctx.agent.host : record.host
                let policyPrefix = "\(host)/\(policy.name)/"
                if present[policyPrefix] == nil {
                    var ids = Set<String>()
                    for key in try await destination.list(prefix: policyPrefix) {
                        let rest = key.dropFirst(policyPrefix.count)
                        if let slash = rest.firstIndex(of: "/") { ids.insert(String(rest[..<slash])) }
                    }
                    present[policyPrefix] = ids
                }
                guard present[policyPrefix]?.contains(record.id.rawValue) == true else { continue }
                let prefix = ctx.objectPrefix(host: host, policy: policy.name, id: record.id)
                do {
                    try await LockedObjectRemoval.checkExpired(prefix: prefix, destinations: [spec], now: ctx.now())
                    if let s3 = try DestinationFactory.makeS3(spec) {
                        try await LockedObjectRemoval.removeAllVersions(prefix: prefix, at: s3)
                    } else {
                        let keys = try await destination.list(prefix: prefix)
                        let manifest = prefix + "manifest.json"
                        if keys.contains(manifest) { try await destination.remove(manifest) }
                        for key in keys.sorted() where key != manifest { try await destination.remove(key) }
                    }
                    report.lines.append("\(policy.name): purged \(record.id) at \(spec.name)")
                } catch let e as LockedObjectRemoval.StillLocked {
                    report.lines.append("\(policy.name): purge \(record.id) waits: \(e)")
                } catch {
                    report.errors.append("\(policy.name): purge \(record.id) at \(spec.name): \(error)")
                }
            }
        } catch {
            report.errors.append("\(policy.name): \(error)")
        }
        return report
    }
}
