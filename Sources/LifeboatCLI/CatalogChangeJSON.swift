import LifeboatAgent
import LifeboatCore

/// `forget --json` and `undelete --json`: one object naming the backup and what changed: `id`,
/// `action` (forget | undelete | unpin), `dry_run`, `was` (the status or retention state before),
/// `now` (after; for a dry run, what it would be), `pinned`, and for forget `policy` and `missing`
/// (the destinations that lacked the backup, with the last error at each).
package struct CatalogChangeJSON: Encodable {
    let id: String
    let action: String
    let dryRun: Bool
    let was: String
    let now: String
    let pinned: Bool?
    let policy: String?
    let missing: [String]?

    enum CodingKeys: String, CodingKey {
        case id, action, was, now, pinned, policy, missing
        case dryRun = "dry_run"
    }

    package static func forget(_ o: ForgetUseCase.Outcome) -> CatalogChangeJSON {
        CatalogChangeJSON(
            id: o.id.rawValue, action: "forget", dryRun: o.dryRun, was: o.was.rawValue,
            now: BackupStatus.failed.rawValue, pinned: nil, policy: o.policy, missing: o.missing)
    }

    package static func undelete(id: String, was: String) -> CatalogChangeJSON {
        CatalogChangeJSON(
            id: id, action: "undelete", dryRun: false, was: was, now: "live", pinned: true, policy: nil,
            missing: nil)
    }

    package static func unpin(id: String, wasPinned: Bool) -> CatalogChangeJSON {
        CatalogChangeJSON(
            id: id, action: "unpin", dryRun: false, was: wasPinned ? "pinned" : "not pinned", now: "not pinned",
            pinned: false, policy: nil, missing: nil)
    }

    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(action, forKey: .action)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(was, forKey: .was)
        try c.encode(now, forKey: .now)
        try c.encodeIfPresent(pinned, forKey: .pinned)
        try c.encodeIfPresent(policy, forKey: .policy)
        try c.encodeIfPresent(missing, forKey: .missing)
    }
}
