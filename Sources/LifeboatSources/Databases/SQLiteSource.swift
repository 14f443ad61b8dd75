import Foundation
import GRDBSQLite
import LifeboatCore

/// The `sqlite` source: a consistent copy of a live database while its writers keep writing,
/// through SQLite's online backup API, streamed into the pipeline as an ordinary database file.
///
/// The copy is made in one `sqlite3_backup_step(-1)`, which reads under one read transaction:
/// in WAL mode that is a snapshot and writers are never blocked; in rollback-journal mode
/// writers wait (through their busy timeout) for as long as the copy of the pages takes, which is
/// a memory copy (about 1 GB/s). Plaintext never touches a disk other than the database's own:
/// a database up to `memoryLimit` is copied into an in-memory database and streamed out with
/// `sqlite3_serialize`; a larger one into a temporary database in a private (0700) folder beside
/// the original, on its own file system, removed as soon as it is streamed. That folder is an
/// `OwnedFolder` named `.lifeboat-sqlite-copy-<pid>-XXXXXX`: one a killed backup left (plaintext)
/// is removed by the next backup of the database, or by `sweepCopies` at the start of the next run.
package struct SQLiteSource {
    package let database: String
    package var memoryLimit: Int64 = 256 << 20

    /// The name every large-database copy folder starts with.
    package static let copyPrefix = ".lifeboat-sqlite-copy-"

    /// Removes the copy folders beside `database` whose backup process is gone; returns their paths.
    @discardableResult
    package static func sweepCopies(beside database: String) -> [String] {
        let dir = (database as NSString).deletingLastPathComponent
        return OwnedFolder.sweep(parent: dir.isEmpty ? "." : dir, prefix: copyPrefix)
    }

    package init(database: String) {
        self.database = database
    }

    /// Writes the consistent copy into `sink` and finishes it; returns its size.
    @discardableResult
    package func write(to sink: ByteSink) throws -> Int64 {
        var st = stat()
        guard stat(database, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw LifeboatError.failed(
                "sqlite: \(database) is not a database file: \(String(cString: strerror(errno == 0 ? ENOENT : errno)))")
        }
        var walSize: Int64 = 0
        var wst = stat()
        if stat(database + "-wal", &wst) == 0 { walSize = Int64(wst.st_size) }
        let source = try SQLiteConnection(path: database, readOnly: true, busyTimeoutMs: 30_000)
        // A file that is not a database fails here, before anything is written.
        _ = try source.scalar("SELECT count(*) FROM sqlite_schema")
        if Int64(st.st_size) + walSize <= memoryLimit {
            let copy = try SQLiteConnection(path: ":memory:")
            try Self.backup(from: source, to: copy)
            return try Self.streamSerialized(copy, into: sink)
        }
        Self.sweepCopies(beside: database)
        let dir = (database as NSString).deletingLastPathComponent
        let privateDir: OwnedFolder
        do {
            privateDir = try OwnedFolder(parent: dir.isEmpty ? "." : dir, prefix: Self.copyPrefix)
        } catch {
            throw LifeboatError.failed("sqlite: \(error)")
        }
        defer { privateDir.remove() }
        let tempPath = privateDir.path + "/copy.db"
        do {
            let copy = try SQLiteConnection(path: tempPath)
            try copy.execute("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF")
            try Self.backup(from: source, to: copy)
        }
        return try Self.streamFile(tempPath, into: sink)
    }

    /// Copies every page of `source` into `dest` under one read transaction.
    static func backup(from source: SQLiteConnection, to dest: SQLiteConnection) throws {
        guard let b = sqlite3_backup_init(dest.db, "main", source.db, "main") else {
            throw LifeboatError.failed("sqlite: cannot start a backup of \(source.path): \(dest.errorMessage)")
        }
        let started = ContinuousClock.now
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(b, -1)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED {
                if ContinuousClock.now - started > .seconds(60) { break }
                usleep(10_000)
            }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(b)
        guard rc == SQLITE_DONE, finish == SQLITE_OK else {
            let reason = String(cString: sqlite3_errstr(rc == SQLITE_DONE ? finish : rc))
            throw LifeboatError.failed("sqlite: backup of \(source.path) failed: \(reason)")
        }
    }

    static func streamSerialized(_ copy: SQLiteConnection, into sink: ByteSink) throws -> Int64 {
        var size: sqlite3_int64 = 0
        guard let data = sqlite3_serialize(copy.db, "main", &size, 0) else {
            throw LifeboatError.failed("sqlite: cannot serialize the copy of the database")
        }
        defer { sqlite3_free(data) }
        let all = UnsafeRawBufferPointer(start: data, count: Int(size))
        var offset = 0
        while offset < all.count {
            let n = min(1 << 20, all.count - offset)
            try sink.write(UnsafeRawBufferPointer(rebasing: all[offset..<offset + n]))
            offset += n
        }
        try sink.finish()
        return Int64(size)
    }

    static func streamFile(_ path: String, into sink: ByteSink) throws -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw LifeboatError.failed("sqlite: cannot read the copy: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        unlink(path)
        var total: Int64 = 0
        let readFailure = { (e: SystemCallError) in LifeboatError.failed("sqlite: cannot read the copy: \(e.reason)") }
        try FileDescriptorIO.forEachBlock(fd, readFailure: readFailure) {
            try sink.write($0)
            total += Int64($0.count)
        }
        try sink.finish()
        return total
    }

}

/// The sqlite part of lock–sync–snapshot–unlock: the database's write lock (`BEGIN IMMEDIATE`),
/// so no transaction commits while the file system is synced and snapshotted.
package final class SQLiteWriteLock: DatabaseLock {
    let database: String
    private var connection: SQLiteConnection?

    package init(database: String) { self.database = database }

    package func acquire(deadline: ContinuousClock.Instant) throws {
        let left = ContinuousClock.now.duration(to: deadline)
        let ms = Int32(
            clamping: max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
        let c = try SQLiteConnection(path: database, busyTimeoutMs: ms)
        do {
            try c.execute("BEGIN IMMEDIATE")
        } catch {
            throw LifeboatError.failed(
                "sqlite: cannot take the write lock of \(database) within max_lock: \(c.errorMessage)")
        }
        connection = c
    }

    package func release() throws {
        guard let c = connection else { return }
        connection = nil
        try? c.execute("ROLLBACK")
    }

    package var extraFiles: [(name: String, contents: [UInt8])] { [] }
}
