import Foundation
import LifeboatCore
import LifeboatSources
import LifeboatTestSupport
import Testing

/// A writer inserts rows in small transactions throughout the backup; the copy must pass
/// integrity_check and hold a consistent prefix: ids 1...n with no gap, each with its payload.
@Suite(.serialized) struct SQLiteSourceTests {
    func roundTrip(journal: String, memoryLimit: Int64) throws {
        let dir = try TemporaryDirectory(prefix: "lbsq")
        let db = dir.file("live.db")
        let setup = try SQLiteConnection(path: db)
        try setup.execute(
            "PRAGMA journal_mode=\(journal); CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB NOT NULL, k TEXT)")
        try setup.execute("BEGIN")
        for _ in 0..<400 { try setup.execute("INSERT INTO t(v, k) VALUES (randomblob(2000), 'seed')") }
        try setup.execute("COMMIT")

        let stop = Atomic(false)
        let written = Atomic(0)
        let writer = Thread {
            guard let c = try? SQLiteConnection(path: db, busyTimeoutMs: 5000) else { return }
            try? c.execute("PRAGMA synchronous=OFF")
            while !stop.value {
                if (try? c.execute(
                    "BEGIN IMMEDIATE; INSERT INTO t(v, k) VALUES (randomblob(2000), 'w'); INSERT INTO t(v, k) VALUES (randomblob(10), 'w2'); COMMIT"
                )) != nil {
                    written.value += 1
                } else {
                    try? c.execute("ROLLBACK")
                }
            }
        }
        writer.start()
        while written.value < 50 { usleep(1000) }
        var source = SQLiteSource(database: db)
        source.memoryLimit = memoryLimit
        var sink = MemorySink()
        let before = written.value
        var copies = 0
        let started = Date()
        repeat {
            sink = MemorySink()
            try source.write(to: sink)
            copies += 1
        } while (copies < 3 || written.value - before < 20) && Date().timeIntervalSince(started) < 20
        let during = written.value - before
        stop.value = true
        while !writer.isFinished { usleep(1000) }
        #expect(during > 10, "the writer kept writing during the backups (\(during) transactions)")

        let restored = dir.file("restored.db")
        FileManager.default.createFile(atPath: restored, contents: Data(sink.bytes))
        let r = try SQLiteConnection(path: restored)
        #expect(try r.integrityProblems() == nil)
        let count = Int(try r.scalar("SELECT count(*) FROM t") ?? "") ?? -1
        let maxID = Int(try r.scalar("SELECT max(id) FROM t") ?? "") ?? -2
        #expect(count == maxID, "a prefix without gaps")
        #expect(count >= 400 + 100)
        #expect((count - 400) % 2 == 0, "whole transactions only")
        #expect(try r.scalar("SELECT count(*) FROM t WHERE length(v) = 0") == "0")
    }

    @Test func walModeWithAWriter() throws { try roundTrip(journal: "wal", memoryLimit: 256 << 20) }
    @Test func rollbackJournalWithAWriter() throws { try roundTrip(journal: "delete", memoryLimit: 256 << 20) }
    @Test func largeDatabaseGoesThroughAPrivateTempFileBesideIt() throws {
        try roundTrip(journal: "wal", memoryLimit: 0)
    }

    @Test func notADatabaseFailsBeforeWriting() throws {
        let dir = try TemporaryDirectory(prefix: "lbsq")
        let f = dir.file("x.db")
        FileManager.default.createFile(atPath: f, contents: Data(repeating: 7, count: 8192))
        let sink = MemorySink()
        #expect(throws: LifeboatError.self) { try SQLiteSource(database: f).write(to: sink) }
        #expect(sink.bytes.isEmpty && !sink.finished)
        #expect(throws: LifeboatError.self) { try SQLiteSource(database: dir.file("missing.db")).write(to: sink) }
    }

    @Test func writeLockBlocksWritersUntilReleased() throws {
        let dir = try TemporaryDirectory(prefix: "lbsq")
        let db = dir.file("l.db")
        try SQLiteConnection(path: db).execute("PRAGMA journal_mode=wal; CREATE TABLE t(x)")
        let lock = SQLiteWriteLock(database: db)
        try lock.acquire(deadline: .now + .seconds(2))
        let other = try SQLiteConnection(path: db, busyTimeoutMs: 50)
        #expect(throws: LifeboatError.self) { try other.execute("INSERT INTO t VALUES (1)") }
        try lock.release()
        try other.execute("INSERT INTO t VALUES (1)")
    }
}

/// A tiny lock-protected box for test threads.
final class Atomic<T>: @unchecked Sendable {
    private var v: T
    private let lock = NSLock()
    init(_ v: T) { self.v = v }
    var value: T {
        get {
            lock.lock()
            defer { lock.unlock() }
            return v
        }
        set {
            lock.lock()
            v = newValue
            lock.unlock()
        }
    }
}
