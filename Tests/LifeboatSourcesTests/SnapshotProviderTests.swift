import Foundation
import LifeboatCore
import LifeboatSources
import Logging
import Testing

/// Records every argv instead of running it; answers from a script of canned outcomes.
final class RecordingRunner: CommandRunner, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var calls: [[String]] = []
    var answer: ([String]) -> CommandOutcome = { _ in CommandOutcome(termination: .exited(0)) }

    func run(_ argv: [String], environment: [String: String], deadline: ContinuousClock.Instant?) throws
        -> CommandOutcome
    {
        lock.lock()
        calls.append(argv)
        lock.unlock()
        return answer(argv)
    }
}

/// A lock that records what happened to it.
final class FakeLock: DatabaseLock {
    var events: [String] = []
    var failAcquire = false
    func acquire(deadline: ContinuousClock.Instant) throws {
        if failAcquire { throw LifeboatError.failed("cannot lock") }
        events.append("lock")
    }
    func release() throws { events.append("unlock") }
    var extraFiles: [(name: String, contents: [UInt8])] { [("backup_label", Array("START WAL LOCATION\n".utf8))] }
}

@Suite struct SnapshotProviderTests {
    let logger = Logger(label: "test")
    /// The id of a snapshot a killed run left behind.
    static let old = "20200101T000000Z-aaaaaa"

    /// Policy `db` cleans up its own leftovers only: `db-2`'s snapshot, whose name starts with
    /// `lifeboat-snap-db-` too, and names that are not `<policy>-<backup id>`, are left alone.
    @Test func leftoversAreMatchedExactlyNeverByPrefix() throws {
        let r = RecordingRunner()
        r.answer = { argv in
            argv.prefix(2) == ["zfs", "list"]
                ? CommandOutcome(
                    termination: .exited(0),
                    stdout: """
                        tank/db@lifeboat-snap-db-\(Self.old)
                        tank/db@lifeboat-snap-db-2-\(Self.old)
                        tank/db@lifeboat-snap-db-\(Self.old)-extra
                        tank/db@lifeboat-snap-db-manual
                        """)
                : CommandOutcome(termination: .exited(0))
        }
        let c = SnapshotCoordinator(
            provider: ZFSSnapshotProvider(volume: "tank/db", runner: r), lock: nil,
            maxLock: .seconds(2), policy: "db", logger: logger)
        #expect(c.removeLeftovers() == 1)
        let destroyed = r.calls.filter { $0.prefix(2) == ["zfs", "destroy"] }.map { $0[2] }
        #expect(destroyed == ["tank/db@lifeboat-snap-db-\(Self.old)"])
    }

    /// The same rule for btrfs, whose leftovers are read from the volume's folder.
    @Test func btrfsLeftoversOfAnotherPolicyAreNotTaken() throws {
        let dir = NSTemporaryDirectory() + "lbsnapb-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in [".lifeboat-snap-db-\(Self.old)", ".lifeboat-snap-db-2-\(Self.old)", ".lifeboat-snap-db-x"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(name)", withIntermediateDirectories: true)
        }
        let found = try BtrfsSnapshotProvider(volume: dir).leftovers(policy: "db").map(\.name)
        #expect(found == ["lifeboat-snap-db-\(Self.old)"])
        let other = try BtrfsSnapshotProvider(volume: dir).leftovers(policy: "db-2").map(\.name)
        #expect(other == ["lifeboat-snap-db-2-\(Self.old)"])
    }

    @Test func lvmRunsExactlyTheseCommands() throws {
        let r = RecordingRunner()
        r.answer = { argv in
            argv.first == "lvs"
                ? CommandOutcome(termination: .exited(0), stdout: "  data\n  lifeboat-snap-db-\(Self.old)\n")
                : CommandOutcome(termination: .exited(0))
        }
        let p = LVMSnapshotProvider(volume: "vg0/data", size: "2G", mountBase: "/run/lifeboat", runner: r)
        let c = SnapshotCoordinator(provider: p, lock: nil, maxLock: .seconds(2), policy: "db", logger: logger)
        let (path, window) = try c.run(id: "ID1") { path, _ in path }
        #expect(path == "/run/lifeboat/lifeboat-snap-db-ID1")
        #expect(window == nil)
        #expect(
            r.calls == [
                ["lvs", "--noheadings", "-o", "lv_name", "vg0"],
                ["umount", "/run/lifeboat/lifeboat-snap-db-\(Self.old)"],
                ["rmdir", "/run/lifeboat/lifeboat-snap-db-\(Self.old)"],
                ["lvremove", "--yes", "vg0/lifeboat-snap-db-\(Self.old)"],
                ["lvcreate", "--snapshot", "--name", "lifeboat-snap-db-ID1", "--size", "2G", "vg0/data"],
                ["mkdir", "-p", "-m", "0700", "/run/lifeboat/lifeboat-snap-db-ID1"],
                ["mount", "-o", "ro", "/dev/vg0/lifeboat-snap-db-ID1", "/run/lifeboat/lifeboat-snap-db-ID1"],
                ["umount", "/run/lifeboat/lifeboat-snap-db-ID1"],
                ["rmdir", "/run/lifeboat/lifeboat-snap-db-ID1"],
                ["lvremove", "--yes", "vg0/lifeboat-snap-db-ID1"],
            ])
    }

    @Test func zfsRunsExactlyTheseCommandsAroundTheLock() throws {
        let r = RecordingRunner()
        r.answer = { argv in
            switch argv.prefix(2) {
            case ["zfs", "list"]:
                return CommandOutcome(
                    termination: .exited(0), stdout: "tank/db@lifeboat-snap-db-\(Self.old)\ntank/db@manual\n")
            case ["zfs", "get"]: return CommandOutcome(termination: .exited(0), stdout: "/srv/db\n")
            default: return CommandOutcome(termination: .exited(0))
            }
        }
        let lock = FakeLock()
        let p = ZFSSnapshotProvider(volume: "tank/db", runner: r)
        let c = SnapshotCoordinator(provider: p, lock: lock, maxLock: .seconds(2), policy: "db", logger: logger)
        let ((path, extra), window) = try c.run(id: "ID2") { path, extra in (path, extra.map(\.name)) }
        #expect(path == "/srv/db/.zfs/snapshot/lifeboat-snap-db-ID2")
        #expect(extra == ["backup_label"])
        #expect(window != nil && window! < 2000)
        #expect(lock.events == ["lock", "unlock"])
        #expect(
            r.calls == [
                ["zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-d", "1", "tank/db"],
                ["zfs", "destroy", "tank/db@lifeboat-snap-db-\(Self.old)"],
                ["zfs", "snapshot", "tank/db@lifeboat-snap-db-ID2"],
                ["zfs", "get", "-H", "-o", "value", "mountpoint", "tank/db"],
                ["zfs", "destroy", "tank/db@lifeboat-snap-db-ID2"],
            ])
    }

    @Test func aFailedSnapshotReleasesTheLockAndFails() throws {
        let r = RecordingRunner()
        r.answer = { argv in
            argv.prefix(2) == ["zfs", "snapshot"]
                ? CommandOutcome(termination: .exited(1), stderr: "out of space")
                : CommandOutcome(termination: .exited(0))
        }
        let lock = FakeLock()
        let c = SnapshotCoordinator(
            provider: ZFSSnapshotProvider(volume: "tank/db", runner: r), lock: lock,
            maxLock: .seconds(2), policy: "db", logger: logger)
        #expect { try c.run(id: "X") { _, _ in 0 } } throws: { String(describing: $0).contains("out of space") }
        #expect(lock.events == ["lock", "unlock"])
    }

    @Test func aLockThatCannotBeHadTakesNoSnapshot() throws {
        let r = RecordingRunner()
        let lock = FakeLock()
        lock.failAcquire = true
        let c = SnapshotCoordinator(
            provider: ZFSSnapshotProvider(volume: "tank/db", runner: r), lock: lock,
            maxLock: .seconds(2), policy: "db", logger: logger)
        #expect(throws: LifeboatError.self) { try c.run(id: "X") { _, _ in 0 } }
        #expect(!r.calls.contains { $0.prefix(2) == ["zfs", "snapshot"] })
    }

    @Test func aHungSnapshotCommandIsKilledAtMaxLockAndTheLockReleasedFirst() throws {
        let dir = NSTemporaryDirectory() + "lbsnap-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lock = FakeLock()
        let p = CommandSnapshotProvider(
            create: ["sh", "-c", "sleep 30"], delete: ["true"], volume: "/", stateDirectory: dir)
        let c = SnapshotCoordinator(provider: p, lock: lock, maxLock: .seconds(1), policy: "db", logger: logger)
        let t0 = ContinuousClock.now
        #expect { try c.run(id: "H") { _, _ in 0 } } throws: { String(describing: $0).contains("max_lock") }
        #expect(ContinuousClock.now - t0 < .seconds(4))
        #expect(lock.events == ["lock", "unlock"])
        // The marker of the abandoned snapshot was cleaned up through the delete command.
        #expect(try p.leftovers(policy: "db").isEmpty)
    }

    @Test func commandProviderPassesTheNameAndReadsThePath() throws {
        let dir = NSTemporaryDirectory() + "lbsnapc-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/log"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = CommandSnapshotProvider(
            create: ["sh", "-c", "echo create $LIFEBOAT_SNAPSHOT_NAME >> \(log); echo /some/where"],
            delete: ["sh", "-c", "echo delete $LIFEBOAT_SNAPSHOT_NAME $LIFEBOAT_SNAPSHOT_PATH >> \(log)"],
            volume: nil, stateDirectory: dir)
        let c = SnapshotCoordinator(provider: p, lock: nil, maxLock: .seconds(2), policy: "app", logger: logger)
        let (path, _) = try c.run(id: "I") { path, _ in path }
        #expect(path == "/some/where")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text == "create lifeboat-snap-app-I\ndelete lifeboat-snap-app-I /some/where\n")
    }
}
