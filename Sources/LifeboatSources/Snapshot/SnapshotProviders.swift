import Foundation
import LifeboatCore

/// One snapshot a provider made: its name, how the provider finds it again, and where its files
/// can be read.
package struct SnapshotHandle: Sendable, Equatable, Codable {
    /// The recognizable name: `lifeboat-snap-<policy>-<id>` (btrfs: with a leading dot).
    package var name: String
    /// What the provider's tools call it: a path (btrfs), `vg/lv` (lvm), `pool/ds@name` (zfs).
    package var ref: String
    /// Where its files are read; for lvm, set once it is mounted.
    package var readPath: String?

    package init(name: String, ref: String, readPath: String?) {
        self.name = name
        self.ref = ref
        self.readPath = readPath
    }
}

/// A way to take an instant, read-only image of a volume. Every command goes through `runner`,
/// so the LVM and ZFS providers, which cannot run on every machine, are tested by their argv.
package protocol SnapshotProvider {
    /// Makes the snapshot; the command is killed at `deadline`.
    func create(name: String, deadline: ContinuousClock.Instant) throws -> SnapshotHandle
    /// Makes its files readable (lvm mounts it); returns the path to archive.
    func open(_ handle: SnapshotHandle) throws -> String
    /// Unmounts (lvm) and removes the snapshot.
    func delete(_ handle: SnapshotHandle) throws
    /// Snapshots of `policy` left behind: named exactly as `SnapshotName` makes them, never by prefix.
    func leftovers(policy: String) throws -> [SnapshotHandle]
    /// A path on the volume's file system, to sync it; nil when there is none here.
    var syncPath: String? { get }
    /// Whether the snapshot captures the whole volume at one instant (btrfs, LVM, ZFS), so a database
    /// whose files all live on it restores as after a power cut. An operator's command may copy file
    /// by file, so it is not taken to be atomic.
    var isAtomic: Bool { get }
}

/// btrfs: a read-only snapshot of the subvolume `volume`, made inside it as
/// `<volume>/.lifeboat-snap-<policy>-<id>` (a nested subvolume, so not inside later snapshots).
package struct BtrfsSnapshotProvider: SnapshotProvider {
    package let volume: String
    package let runner: CommandRunner

    package init(volume: String, runner: CommandRunner = SystemCommandRunner()) {
        self.volume = volume
        self.runner = runner
    }

    package var syncPath: String? { volume }
    package var isAtomic: Bool { true }

    package func create(name: String, deadline: ContinuousClock.Instant) throws -> SnapshotHandle {
        let path = "\(volume)/.\(name)"
        try runner.check(
            ["btrfs", "subvolume", "snapshot", "-r", volume, path], deadline: deadline,
            what: "btrfs snapshot of \(volume)")
        return SnapshotHandle(name: name, ref: path, readPath: path)
    }

    package func open(_ handle: SnapshotHandle) throws -> String { handle.ref }

    package func delete(_ handle: SnapshotHandle) throws {
        try runner.check(["btrfs", "subvolume", "delete", handle.ref], what: "delete btrfs snapshot \(handle.ref)")
    }

    package func leftovers(policy: String) throws -> [SnapshotHandle] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: volume)) ?? []
        return names.filter { $0.hasPrefix(".") && SnapshotName.belongs(String($0.dropFirst()), to: policy) }.sorted()
            .map {
                SnapshotHandle(name: String($0.dropFirst()), ref: "\(volume)/\($0)", readPath: "\(volume)/\($0)")
            }
    }
}

/// LVM: `lvcreate -s` of the logical volume `vg/lv` (which suspends the device, and so freezes its
/// file system, for the instant of the snapshot), mounted read-only on a private folder to be read.
package struct LVMSnapshotProvider: SnapshotProvider {
    package let volume: String
    package let size: String
    package let mountBase: String
    package let runner: CommandRunner

    package init(
        volume: String, size: String = "1G", mountBase: String = "/run/lifeboat",
        runner: CommandRunner = SystemCommandRunner()
    ) {
        self.volume = volume
        self.size = size
        self.mountBase = mountBase
        self.runner = runner
    }

    var vg: String { String(volume.split(separator: "/").first ?? "") }
    package var syncPath: String? { nil }
    package var isAtomic: Bool { true }

    package func create(name: String, deadline: ContinuousClock.Instant) throws -> SnapshotHandle {
        try runner.check(
            ["lvcreate", "--snapshot", "--name", name, "--size", size, volume], deadline: deadline,
            what: "lvm snapshot of \(volume)")
        return SnapshotHandle(name: name, ref: "\(vg)/\(name)", readPath: nil)
    }

    package func open(_ handle: SnapshotHandle) throws -> String {
        let mountPoint = "\(mountBase)/\(handle.name)"
        try runner.check(["mkdir", "-p", "-m", "0700", mountPoint], what: "make mount point")
        try runner.check(
            ["mount", "-o", "ro", "/dev/\(handle.ref)", mountPoint], what: "mount lvm snapshot \(handle.ref)")
        return mountPoint
    }

    package func delete(_ handle: SnapshotHandle) throws {
        let mountPoint = "\(mountBase)/\(handle.name)"
        _ = try? runner.run(["umount", mountPoint])
        _ = try? runner.run(["rmdir", mountPoint])
        try runner.check(["lvremove", "--yes", handle.ref], what: "remove lvm snapshot \(handle.ref)")
    }

    package func leftovers(policy: String) throws -> [SnapshotHandle] {
        let out = try runner.check(["lvs", "--noheadings", "-o", "lv_name", vg], what: "list logical volumes of \(vg)")
        return out.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
            .filter { SnapshotName.belongs($0, to: policy) }
            .map { SnapshotHandle(name: $0, ref: "\(vg)/\($0)", readPath: nil) }
    }
}

/// ZFS: `zfs snapshot pool/ds@name`, read through the dataset's `.zfs/snapshot/name` folder.
package struct ZFSSnapshotProvider: SnapshotProvider {
    package let volume: String
    package let runner: CommandRunner

    package init(volume: String, runner: CommandRunner = SystemCommandRunner()) {
        self.volume = volume
        self.runner = runner
    }

    package var syncPath: String? { nil }
    package var isAtomic: Bool { true }

    package func create(name: String, deadline: ContinuousClock.Instant) throws -> SnapshotHandle {
        try runner.check(
            ["zfs", "snapshot", "\(volume)@\(name)"], deadline: deadline, what: "zfs snapshot of \(volume)")
        return SnapshotHandle(name: name, ref: "\(volume)@\(name)", readPath: nil)
    }

    package func open(_ handle: SnapshotHandle) throws -> String {
        let out = try runner.check(
            ["zfs", "get", "-H", "-o", "value", "mountpoint", volume],
            what: "find the mount point of \(volume)")
        let mountPoint = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard mountPoint.hasPrefix("/") else {
            throw LifeboatError.failed("zfs dataset \(volume) is not mounted (mountpoint \(mountPoint))")
        }
        return "\(mountPoint)/.zfs/snapshot/\(handle.name)"
    }

    package func delete(_ handle: SnapshotHandle) throws {
        try runner.check(["zfs", "destroy", handle.ref], what: "destroy zfs snapshot \(handle.ref)")
    }

    package func leftovers(policy: String) throws -> [SnapshotHandle] {
        let out = try runner.check(
            ["zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-d", "1", volume],
            what: "list zfs snapshots of \(volume)")
        return out.stdout.split(whereSeparator: \.isNewline).map(String.init)
            .filter {
                $0.hasPrefix("\(volume)@") && SnapshotName.belongs(String($0.dropFirst(volume.count + 1)), to: policy)
            }
            .map { ref in SnapshotHandle(name: String(ref.split(separator: "@").last ?? ""), ref: ref, readPath: nil) }
    }
}

/// The operator's own commands. `create` runs with LIFEBOAT_SNAPSHOT_NAME (and LIFEBOAT_VOLUME)
/// set and prints the path of the snapshot's files as its last line of output (or the volume's
/// path is used); `delete` runs with the same variables plus LIFEBOAT_SNAPSHOT_PATH. Leftovers
/// are found through a marker the coordinator keeps while a snapshot exists.
package struct CommandSnapshotProvider: SnapshotProvider {
    package let createArgv: [String]
    package let deleteArgv: [String]
    package let volume: String?
    package let runner: CommandRunner
    /// Where the marker of a pending snapshot is kept (`<state>/<snapshot name>.snapshot`).
    package let stateDirectory: String?

    package init(
        create: [String], delete: [String], volume: String?, stateDirectory: String?,
        runner: CommandRunner = SystemCommandRunner()
    ) {
        createArgv = create
        deleteArgv = delete
        self.volume = volume
        self.stateDirectory = stateDirectory
        self.runner = runner
    }

    package var syncPath: String? { volume }
    package var isAtomic: Bool { false }

    func env(_ name: String, path: String?) -> [String: String] {
        var e = ["LIFEBOAT_SNAPSHOT_NAME": name]
        if let volume { e["LIFEBOAT_VOLUME"] = volume }
        if let path { e["LIFEBOAT_SNAPSHOT_PATH"] = path }
        return e
    }

    package func create(name: String, deadline: ContinuousClock.Instant) throws -> SnapshotHandle {
        try mark(SnapshotHandle(name: name, ref: name, readPath: nil))
        let out = try runner.check(
            createArgv, environment: env(name, path: nil), deadline: deadline,
            what: "snapshot command")
        let last = out.stdout.split(whereSeparator: \.isNewline).last.map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        let path = (last?.hasPrefix("/") == true ? last : nil) ?? volume
        let handle = SnapshotHandle(name: name, ref: name, readPath: path)
        try mark(handle)
        return handle
    }

    package func open(_ handle: SnapshotHandle) throws -> String {
        guard let p = handle.readPath else {
            throw LifeboatError.failed("snapshot command printed no path and the policy names no volume")
        }
        return p
    }

    package func delete(_ handle: SnapshotHandle) throws {
        try runner.check(
            deleteArgv, environment: env(handle.name, path: handle.readPath), what: "snapshot delete command")
        if let m = markerPath(handle.name) { unlink(m) }
    }

    package func leftovers(policy: String) throws -> [SnapshotHandle] {
        guard let dir = stateDirectory else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter {
            $0.hasSuffix(".snapshot") && SnapshotName.belongs(String($0.dropLast(".snapshot".count)), to: policy)
        }.compactMap {
            guard let data = FileManager.default.contents(atPath: "\(dir)/\($0)") else { return nil }
            return try? JSONDecoder().decode(SnapshotHandle.self, from: data)
        }
    }

    func markerPath(_ name: String) -> String? { stateDirectory.map { "\($0)/\(name).snapshot" } }

    func mark(_ handle: SnapshotHandle) throws {
        guard let path = markerPath(handle.name), let dir = stateDirectory else { return }
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try JSONEncoder().encode(handle).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
