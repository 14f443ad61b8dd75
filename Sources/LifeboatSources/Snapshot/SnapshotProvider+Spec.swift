import LifeboatConfig

extension SnapshotSpec.Provider {
    /// The provider that takes the snapshots a policy asks for; `stateDirectory` keeps markers of
    /// pending snapshots made by the operator's commands.
    package func make(stateDirectory: String?) -> SnapshotProvider {
        switch self {
        case .btrfs(let volume): BtrfsSnapshotProvider(volume: volume)
        case .lvm(let volume, let size): LVMSnapshotProvider(volume: volume, size: size)
        case .zfs(let volume): ZFSSnapshotProvider(volume: volume)
        case .command(let create, let delete, let volume):
            CommandSnapshotProvider(create: create, delete: delete, volume: volume, stateDirectory: stateDirectory)
        }
    }
}
