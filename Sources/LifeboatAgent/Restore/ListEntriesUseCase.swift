import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatCrypto
import LifeboatSources

/// The `ls` use case: what a `files` backup holds, read by streaming its archive through the same
/// checked path a restore takes (signed manifest, each chunk's sha256, decrypt, gunzip) into a tar
/// lister that writes nothing. The archive is encrypted, so listing needs the secret key as restore does.
package struct ListEntriesUseCase {
    package let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    /// Which backup was listed, and from where.
    package struct Listed: Sendable {
        package let id: BackupID
        package let entries: Int
    }

    /// Lists the named backup (the newest shipped one when nil) of `request.policy`; `onEntry` sees the
    /// entries that match `paths` (all when empty) in archive order, as they are read.
    package func run(
        _ request: RestoreUseCase.Request, paths: [String], onEntry: @escaping (TarListedEntry) throws -> Void
    ) async throws -> Listed {
        let policy = request.policy
        guard policy.kind == .files || policy.source.snapshot != nil else {
            throw LifeboatError(
                .usage, "ls lists file trees; policy \(policy.name) is kind \(policy.kind.rawValue), a single dump",
                hint: "restore it with --to FILE")
        }
        var r = request
        if r.backupID == nil {
            // One backup, named: a listing never walks back to an older one half-way through.
            guard
                let newest = try ctx.catalog.backups(policy: policy.name)
                    .first(where: { $0.copies.contains { $0.status == .shipped } })
            else {
                throw LifeboatError.failed("policy \(policy.name): no shipped backup to list")
            }
            r.backupID = .id(newest.id)
        }
        let filter = TarPathFilter(paths)
        let counted = Counter()
        r.loader = RestoreUseCase.Loader(description: "the listing") {
            let lister = TarLister { listed in
                // Archive names are relative (`etc/app/...`); the tree came from, and restores under, `/`.
                var entry = listed
                if !entry.path.hasPrefix("/") { entry.path = "/" + entry.path }
                guard filter.matches(entry.path) else { return }
                counted.value += 1
                try onEntry(entry)
            }
            return (lister, {})
        }
        let result = try await RestoreUseCase(ctx).run(r)
        return Listed(id: result.id, entries: counted.value)
    }

    /// How many entries were shown (the loader's closure outlives this call's frame).
    final class Counter {
        var value = 0
    }
}
