import LifeboatCore

/// The lock–sync–snapshot–unlock settings of a source: which provider takes the snapshot, whether
/// the database is locked meanwhile, and for how long at most.
package struct SnapshotSpec: Sendable {
    package var provider: Provider
    package var lock: Bool
    package var maxLock: DurationValue

    /// Who takes the snapshot, with what each provider needs (checked at load).
    package enum Provider: Sendable {
        /// A read-only snapshot of the btrfs subvolume `volume`.
        case btrfs(volume: String)
        /// `lvcreate -s` of the logical volume `volume` (`vg/lv`), with a copy-on-write area of `size` (`1G`).
        case lvm(volume: String, size: String)
        /// A snapshot of the ZFS dataset `volume`.
        case zfs(volume: String)
        /// The operator's own commands; `volume`, when given, is synced before the snapshot.
        case command(create: [String], delete: [String], volume: String?)
    }
}
