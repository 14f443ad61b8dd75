import Foundation

#if canImport(Glibc)
    import Glibc
    import Synchronization
#endif

/// A private (0700) temporary folder that says whether its owner still lives: the creating process
/// holds a flock on `<folder>/.owner` for as long as the folder is in use. The kernel drops that lock
/// when the process dies however it dies (kill -9 included), so the next run can tell a folder left
/// behind (credential files, a restore's chunks, a large SQLite copy) from one in use, and remove it;
/// a pid could not tell, since pids are reused.
///
/// Folders are named `<prefix><pid>-XXXXXX`, so a sweep matches them by an exact, Lifeboat-only prefix.
package final class OwnedFolder: Sendable {
    package let path: String
    /// The owner lock's descriptor, -1 once the folder is removed.
    private let lockFD: Mutex<Int32>

    /// Makes `<parent>/<prefix><pid>-XXXXXX` (0700) and takes its owner lock.
    package init(parent: String, prefix: String) throws {
        let folder: String
        do {
            folder = try UniqueFolder.make(template: "\(parent)/\(prefix)\(getpid())-XXXXXX")
        } catch {
            throw LifeboatError.failed("cannot make a private folder in \(parent): \(error.reason)")
        }
        let fd = open("\(folder)/.owner", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            if fd >= 0 { close(fd) }
            try? FileManager.default.removeItem(atPath: folder)
            throw LifeboatError.failed("cannot lock \(folder): \(String(cString: strerror(code)))")
        }
        path = folder
        lockFD = Mutex(fd)
    }

    /// Removes the folder and everything in it, then lets the lock go.
    package func remove() {
        lockFD.withLock { fd in
            guard fd >= 0 else { return }
            try? FileManager.default.removeItem(atPath: path)
            close(fd)
            fd = -1
        }
    }

    deinit { remove() }

    /// Removes every `<parent>/<prefix>*` folder of this user whose owner is gone: its `.owner` lock can
    /// be taken, or it has none and is older than `unlockedAge` (killed between making it and locking,
    /// or made by an older Lifeboat that held no lock: a day leaves any such run time to finish).
    /// Returns the paths removed. Never follows a symlink; never touches another user's folder.
    @discardableResult
    package static func sweep(
        parent: String, prefix: String, now: Date = Date(), unlockedAge: TimeInterval = 86_400,
        beforeRemoving: (String) -> Void = { _ in }
    ) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) {
            let path = "\(parent)/\(name)"
            var st = stat()
            guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == geteuid() else { continue }
            let fd = open("\(path)/.owner", O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            let openError = errno
            if fd >= 0 {
                defer { close(fd) }
                guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            } else {
                let age = now.timeIntervalSince1970 - TimeInterval(st.st_mtim.tv_sec)
                guard openError == ENOENT, age > unlockedAge else { continue }
            }
            beforeRemoving(path)
            guard (try? FileManager.default.removeItem(atPath: path)) != nil else { continue }
            removed.append(path)
        }
        return removed
    }
}
