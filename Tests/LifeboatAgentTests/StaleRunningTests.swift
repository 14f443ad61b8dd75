import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatAgent

/// A backup row left `running` is alive only while its policy's flock is held: a killed run's row
/// whose pid now names another process (pid reuse after a reboot) must not block the policy forever,
/// and a row whose policy is locked by a live process must be left alone whatever its pid says.
@Suite struct StaleRunningTests {
    /// Starts `sleep 60` in the background, optionally holding the flock on `lock`; returns its pid.
    static func background(holding lock: String? = nil) throws -> pid_t {
        let hold = lock.map { "exec 9>>'\($0)'; flock 9; " } ?? ""
        let r = try Command.run(["sh", "-c", "( \(hold)exec sleep 60 ) >/dev/null 2>&1 </dev/null & echo $!"])
        guard let pid = pid_t(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LifeboatError.failed("no pid from the shell: \(r.stdoutText)")
        }
        if let lock {
            // Wait until the child holds the lock.
            for _ in 0..<100 {
                guard try Command.run(["flock", "-n", lock, "true"]).status == 0 else { break }
                usleep(20_000)
            }
        }
        return pid
    }

    static func setPid(_ pid: pid_t, of id: BackupID, catalog: String) throws {
        let r = try Command.run(["sqlite3", catalog, "UPDATE backup SET pid = \(pid) WHERE id = '\(id)'"])
        guard r.status == 0 else { throw LifeboatError.failed("sqlite3: \(r.stderr)") }
    }

    @Test func aRowWhosePidNowNamesAnotherLiveProcessIsRepaired() throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"], onDisk: true)
        let id = try f.insert(policy: "db", started: f.clock.now.addingTimeInterval(-600), status: .running)
        let stranger = try Self.background()
        defer { kill(stranger, SIGKILL) }
        try Self.setPid(stranger, of: id, catalog: f.dir.file("state/catalog.sqlite"))

        try StaleStateRepair.run(try f.context())

        let row = try #require(try f.catalog.backup(id: id))
        #expect(row.status == .failed)
        #expect(row.error?.contains("interrupted") == true)
    }

    @Test func aRowWhosePolicyIsLockedByALiveProcessIsKeptWhateverItsPid() throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"], onDisk: true)
        let ctx = try f.context()
        let id = try f.insert(policy: "db", started: f.clock.now.addingTimeInterval(-600), status: .running)
        try FileManager.default.createDirectory(atPath: ctx.agent.spool + "/.locks", withIntermediateDirectories: true)
        let holder = try Self.background(holding: ctx.agent.spool + "/.locks/db.lock")
        defer { kill(holder, SIGKILL) }
        // A pid that no process has: the one of a child that has been reaped.
        let gone = try Self.background()
        kill(gone, SIGKILL)
        usleep(100_000)
        try Self.setPid(gone, of: id, catalog: f.dir.file("state/catalog.sqlite"))

        try StaleStateRepair.run(ctx)
        #expect(try f.catalog.backup(id: id)?.status == .running)

        // Once the holder dies, the kernel drops its lock, and the next repair fails the row.
        kill(holder, SIGKILL)
        for _ in 0..<100 {
            guard try Command.run(["flock", "-n", ctx.agent.spool + "/.locks/db.lock", "true"]).status != 0 else {
                break
            }
            usleep(20_000)
        }
        try StaleStateRepair.run(ctx)
        #expect(try f.catalog.backup(id: id)?.status == .failed)
    }

    /// This process's own lock counts as held (flock would refuse a second descriptor of ours too).
    @Test func aLockThisProcessHoldsIsHeld() throws {
        let dir = try TemporaryDirectory(prefix: "lock")
        #expect(try PolicyLock.isHeld(spool: dir.path, policy: "db") == false)
        let lock = try #require(try PolicyLock.tryAcquire(spool: dir.path, policy: "db"))
        #expect(try PolicyLock.isHeld(spool: dir.path, policy: "db"))
        #expect(try PolicyLock.tryAcquire(spool: dir.path, policy: "db") == nil)
        lock.release()
        #expect(try PolicyLock.isHeld(spool: dir.path, policy: "db") == false)
    }
}
