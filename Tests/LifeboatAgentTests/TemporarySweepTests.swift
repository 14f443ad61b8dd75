import Foundation
import LifeboatCore
import LifeboatSources
import LifeboatTestSupport
import Testing

@testable import LifeboatAgent

/// A process killed with -9 leaves its private folders behind: credential files (a PGPASSFILE, a
/// MariaDB options file), a restore's chunks in the spool, a large SQLite database's plaintext copy.
/// The next run removes exactly those whose owner is gone, and nothing that is still in use.
@Suite(.serialized) struct TemporarySweepTests {
    /// Makes `<parent>/<name>/.owner` held locked by a background process, with a secret beside it.
    /// Returns the holder's pid; killing it with -9 is what a killed lifeboat leaves.
    static func folderHeldByAnotherProcess(_ path: String) throws -> pid_t {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "password\n".write(toFile: path + "/pgpass", atomically: false, encoding: .utf8)
        let owner = path + "/.owner"
        let r = try Command.run([
            "sh", "-c", "( exec 9>>'\(owner)'; flock 9; exec sleep 60 ) >/dev/null 2>&1 </dev/null & echo $!",
        ])
        let pid = try #require(pid_t(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
        for _ in 0..<100 {
            guard try Command.run(["flock", "-n", owner, "true"]).status == 0 else { break }
            usleep(20_000)
        }
        return pid
    }

    static func killAndWaitForTheLock(_ pid: pid_t, _ path: String) throws {
        kill(pid, SIGKILL)
        for _ in 0..<100 {
            guard try Command.run(["flock", "-n", path + "/.owner", "true"]).status != 0 else { break }
            usleep(20_000)
        }
    }

    @Test func foldersOfKilledProcessesAreSweptAndLiveOnesKept() throws {
        let dir = try TemporaryDirectory(prefix: "sweep")
        let dead = dir.file("lifeboat-cred-111-aaaaaa")
        let alive = dir.file("lifeboat-cred-222-bbbbbb")
        let other = dir.file("lifeboat-credentials-of-someone-else")
        let deadHolder = try Self.folderHeldByAnotherProcess(dead)
        let aliveHolder = try Self.folderHeldByAnotherProcess(alive)
        defer { kill(aliveHolder, SIGKILL) }
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try Self.killAndWaitForTheLock(deadHolder, dead)

        let removed = OwnedFolder.sweep(parent: dir.path, prefix: "lifeboat-cred-")

        #expect(removed == [dead])
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: alive + "/pgpass"))
        #expect(FileManager.default.fileExists(atPath: other))
    }

    /// A folder with no owner lock at all (killed before it locked, or made by a Lifeboat that held no
    /// lock) is removed only once it is a day old: a run that is still using it has had time to finish.
    @Test func aFolderWithoutALockIsSweptOnlyWhenOld() throws {
        let dir = try TemporaryDirectory(prefix: "sweep")
        let old = dir.file("lifeboat-cred-OLD123")
        let young = dir.file("lifeboat-cred-NEW456")
        for path in [old, young] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        var times = [
            timeval(tv_sec: time(nil) - 2 * 86_400, tv_usec: 0), timeval(tv_sec: time(nil) - 2 * 86_400, tv_usec: 0),
        ]
        #expect(utimes(old, &times) == 0)
        #expect(OwnedFolder.sweep(parent: dir.path, prefix: "lifeboat-cred-") == [old])
        #expect(FileManager.default.fileExists(atPath: young))
    }

    @Test func thisProcesssOwnFolderIsInUse() throws {
        let dir = try TemporaryDirectory(prefix: "sweep")
        let mine = try OwnedFolder(parent: dir.path, prefix: "x-")
        var st = stat()
        #expect(lstat(mine.path, &st) == 0 && st.st_mode & 0o777 == 0o700)
        #expect(OwnedFolder.sweep(parent: dir.path, prefix: "x-").isEmpty)
        mine.remove()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// `run` sweeps first, even when nothing is due and it does nothing else.
    @Test func anIdleRunStillSweeps() async throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"])
        try f.insert(policy: "db", started: f.clock.now.addingTimeInterval(-60), status: .complete)
        let ctx = try f.context()
        let work = ctx.agent.spool + "/\(RestoreUseCase.workPrefix)555-eeeeee"
        let holder = try Self.folderHeldByAnotherProcess(work)
        try Self.killAndWaitForTheLock(holder, work)

        let report = try await RunUseCase(ctx).run()

        #expect(report.outcome == "idle")
        #expect(!FileManager.default.fileExists(atPath: work))
    }

    @Test func theNextRunSweepsRestoreWorkFoldersAndSQLiteCopies() throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"])
        // A sqlite policy whose database lives in the fixture's folder.
        let dbDir = f.dir.file("data")
        try FileManager.default.createDirectory(atPath: dbDir, withIntermediateDirectories: true)
        try """
        name: ratings
        kind: sqlite
        source: { database: ../data/ratings.db }
        objectives: { rpo: 24h }
        encryption: { recipients: [../ops.pub.asc] }
        destinations: [{ name: nas, type: local, path: ../nas }]
        """.write(toFile: f.dir.file("policies/ratings.yaml"), atomically: true, encoding: .utf8)
        let ctx = try f.context()
        let work = ctx.agent.spool + "/\(RestoreUseCase.workPrefix)333-cccccc"
        let copy = dbDir + "/\(SQLiteSource.copyPrefix)444-dddddd"
        for path in [work, copy] {
            let holder = try Self.folderHeldByAnotherProcess(path)
            try Self.killAndWaitForTheLock(holder, path)
        }
        try "plaintext".write(toFile: copy + "/copy.db", atomically: false, encoding: .utf8)

        StaleStateRepair.sweepTemporaries(ctx)

        #expect(!FileManager.default.fileExists(atPath: work))
        #expect(!FileManager.default.fileExists(atPath: copy))
        #expect(FileManager.default.fileExists(atPath: ctx.agent.spool))
    }
}
