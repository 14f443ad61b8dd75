import LifeboatConfig
import LifeboatCore

/// Which policy a `wal-push` or `wal-fetch` serves: the one `--policy` names, which must archive WAL
/// (a postgres policy with `source.method: physical`), or the only such policy when none is named.
package enum WALPolicySelection {
    package static func archivesWAL(_ p: Policy) -> Bool {
        if case .postgres(let s) = p.source { return s.method == .physical }
        return false
    }

    package static func select(_ name: String?, from policies: [Policy]) throws -> Policy {
        let archiving = policies.filter(archivesWAL)
        if let name {
            guard let p = policies.first(where: { $0.name == name }) else {
                throw LifeboatError(.usage, "no policy named \(name)")
            }
            guard archivesWAL(p) else {
                throw LifeboatError(
                    .usage, "policy \(name) does not archive WAL",
                    hint: "WAL goes with a postgres policy whose source.method is physical")
            }
            return p
        }
        guard archiving.count == 1, let only = archiving.first else {
            throw LifeboatError(
                .usage,
                archiving.isEmpty
                    ? "no policy archives WAL (a postgres policy with source.method: physical)"
                    : "several policies archive WAL (\(archiving.map(\.name).joined(separator: ", "))): name one with --policy"
            )
        }
        return only
    }
}
