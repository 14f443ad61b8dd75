import Foundation

/// The policies one `drill` run takes: those named, else every policy found at the destinations,
/// narrowed to the due ones with `--due`.
package enum DrillTargets {
    package static func select(_ ctx: RecoveryContext, named: [(host: String, policy: String)], dueOnly: Bool)
        async throws -> [(host: String, policy: String)]
    {
        guard dueOnly else { return named }
        let now = ctx.now()
        var out: [(host: String, policy: String)] = []
        for t in named {
            let last = try ctx.catalog.lastDrill(host: t.host, policy: t.policy)
            // The interval comes from the policy's latest.json; without one, the default.
            if DrillSelection.isDue(lastDrill: last?.started, interval: nil, now: now) { out.append(t) }
        }
        return out
    }
}
