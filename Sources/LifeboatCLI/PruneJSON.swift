import LifeboatAgent

/// One policy as `prune --json` (and `run --json`, under `prune`) prints it: `policy`, `dry_run`,
/// `busy` (another process held the policy), `refused` (why nothing was pruned, or null),
/// `actions` (`action`: delete | soft-delete | purge | drop-failed, `id`, `reason`) and `errors`.
package struct PruneJSON: Encodable {
    struct Action: Encodable {
        let action: String
        let id: String
        let reason: String
    }
    let policy: String
    let dryRun: Bool
    let busy: Bool
    let refused: String?
    let actions: [Action]
    let errors: [String]

    enum CodingKeys: String, CodingKey {
        case policy, busy, refused, actions, errors
        case dryRun = "dry_run"
    }

    package init(_ r: PruneUseCase.Report, dryRun: Bool) {
        policy = r.policy
        self.dryRun = dryRun
        busy = r.busy
        refused = r.plan.refused
        actions = r.done.map { Action(action: $0.kind.rawValue, id: $0.id.rawValue, reason: $0.reason) }
        errors = r.errors
    }

    /// Encodes `refused` as null when unset, so every object has every field.
    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(policy, forKey: .policy)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(busy, forKey: .busy)
        try c.encode(refused, forKey: .refused)
        try c.encode(actions, forKey: .actions)
        try c.encode(errors, forKey: .errors)
    }
}
