import Foundation
import LifeboatCore
import LifeboatSources
import LifeboatTestSupport
import Testing

/// A database over the memory limit is copied into a private folder beside it. A backup killed with
/// -9 during that copy leaves plaintext there; the next backup of the database removes it, and its
/// own copy is gone when it is done. A copy folder still owned by a live process is left alone.
@Suite(.serialized) struct SQLiteLeftoverTests {
    /// A background process holding `<folder>/.owner` locked, as a running backup does; returns its pid.
    static func holdOwnerLock(_ folder: String) throws -> pid_t {
        let owner = folder + "/.owner"
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

    @Test func theNextBackupRemovesTheCopyAKilledOneLeft() throws {
        let dir = try TemporaryDirectory(prefix: "lbsql")
        let db = dir.file("live.db")
        let setup = try SQLiteConnection(path: db)
        try setup.execute("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('secret row')")

        // What `kill -9` in the middle of a large copy leaves: the folder, its owner lock no longer held,
        // a plaintext copy.
        let killed = dir.file("\(SQLiteSource.copyPrefix)4242-zzzzzz")
        let live = dir.file("\(SQLiteSource.copyPrefix)4343-yyyyyy")
        for folder in [killed, live] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "secret row".write(toFile: folder + "/copy.db", atomically: false, encoding: .utf8)
        }
        let killedHolder = try Self.holdOwnerLock(killed)
        let liveHolder = try Self.holdOwnerLock(live)
        defer { kill(liveHolder, SIGKILL) }
        kill(killedHolder, SIGKILL)
        for _ in 0..<100 {
            guard try Command.run(["flock", "-n", killed + "/.owner", "true"]).status != 0 else { break }
            usleep(20_000)
        }

        var source = SQLiteSource(database: db)
        source.memoryLimit = 0
        let sink = MemorySink()
        try source.write(to: sink)

        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".lifeboat") }
        #expect(left == [(live as NSString).lastPathComponent], "\(left)")
        #expect(sink.bytes.count > 0)
    }
}
