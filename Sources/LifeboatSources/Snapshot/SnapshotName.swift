import LifeboatCore

/// The name of every snapshot Lifeboat takes, `lifeboat-snap-<policy>-<backup id>`, and the one test
/// of whether a name found on a volume is a given policy's. Policy names may contain `-`, so a prefix
/// test would take `lifeboat-snap-db-2-…` (policy `db-2`) for one of `db`'s: the rest of the name
/// must be a well-formed backup id, nothing else.
package enum SnapshotName {
    package static func make(policy: String, id: BackupID) -> String { "lifeboat-snap-\(policy)-\(id)" }

    /// Whether `name` is exactly `lifeboat-snap-<policy>-<valid backup id>`.
    package static func belongs(_ name: String, to policy: String) -> Bool {
        let prefix = "lifeboat-snap-\(policy)-"
        guard name.hasPrefix(prefix) else { return false }
        return BackupID(String(name.dropFirst(prefix.count))) != nil
    }
}
