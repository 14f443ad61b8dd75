import Foundation

/// The policies one `drill` run takes: those named, else every policy found at the destinations,
/// narrowed to the due ones with `--due` (the interval read from each policy's trusted latest.json).
package enum DrillTargets {
    package static func select(_ ctx: RecoveryContext, named: [(host: String, policy: String)], dueOnly: Bool)
        async throws -> [(host: String, policy: String)]
    {
        guard dueOnly else { return named }
        var entries: [FleetEntry] = []
        for t in named {
            // A policy whose index cannot be read is due: its drill then says why it cannot be restored.
            let latest = try? await DrillUseCase(ctx).newestIndex(host: t.host, policy: t.policy).index
            entries.append(
                FleetEntry(
                    host: t.host, policy: t.policy, latest: latest, holding: [], problems: [],
                    lastDrill: try ctx.catalog.lastDrill(host: t.host, policy: t.policy)))
        }
        return DrillSelection.due(entries, now: ctx.now()).map { ($0.host, $0.policy) }
    }
}
