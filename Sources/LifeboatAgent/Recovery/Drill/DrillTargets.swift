import Foundation

/// The policies one `drill` run takes: those named, else every policy found at the destinations,
/// narrowed to the due ones with `--due` (the interval read from each policy's trusted latest.json; a
/// policy whose index cannot be read is due, and its drill then says why it cannot be restored).
package enum DrillTargets {
    package static func select(_ ctx: RecoveryContext, named: [(host: String, policy: String)], dueOnly: Bool)
        async throws -> [(host: String, policy: String)]
    {
        let scan = FleetScan(ctx)
        var entries: [FleetEntry] = []
        if named.isEmpty {
            entries = try await scan.scan()
        } else if dueOnly {
            for t in named { entries.append(try await scan.entry(host: t.host, policy: t.policy)) }
        } else {
            return named
        }
        if dueOnly { entries = DrillSelection.due(entries, now: ctx.now()) }
        return entries.map { ($0.host, $0.policy) }
    }
}
