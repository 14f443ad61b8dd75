import LifeboatAgent

/// One policy as `rebuild-catalog --json` prints it: `policy`, `added` (backups recorded), `copies`
/// (more copies of known backups recorded), `binlogs` (archived binary logs recorded), `problems` (what could not be read or was refused) and
/// `other_hosts` (hosts whose backups of this policy are there when none of this host's are).
package struct RebuildCatalogJSON: Encodable {
    let policy: String
    let added: Int
    let copies: Int
    let binlogs: Int
    let problems: [String]
    let otherHosts: [String]

    enum CodingKeys: String, CodingKey {
        case policy, added, copies, binlogs, problems
        case otherHosts = "other_hosts"
    }

    package init(_ o: CatalogRebuild.Outcome) {
        policy = o.policy
        added = o.added
        copies = o.copies
        binlogs = o.binlogs
        problems = o.problems
        otherHosts = o.otherHosts
    }
}
