import Foundation
import LifeboatCore
import Synchronization

/// A database's part in lock–sync–snapshot–unlock: something that makes the files on disk
/// consistent while it is held (FLUSH TABLES WITH READ LOCK, the SQLite write lock,
/// pg_backup_start) and lets go.
///
/// `release` must be safe to call on every path, more than once, and must not wait long.
package protocol DatabaseLock: AnyObject {
    /// Takes the lock; gives up (leaving nothing held) at `deadline`.
    func acquire(deadline: ContinuousClock.Instant) throws
    /// Lets go of the lock.
    func release() throws
    /// Files to add to the copy once the lock is released (PostgreSQL's backup_label), by name
    /// relative to the snapshot's root.
    var extraFiles: [(name: String, contents: [UInt8])] { get }
}

/// Holds back SIGTERM, SIGINT and SIGHUP while a lock is held, so a stop request cannot leave a
/// database locked; the signal is re-raised (with its default action) as soon as the lock is let go.
/// The window is bounded by max_lock, so a stop is only ever delayed by that much.
package enum LockSignalGuard {
    /// The signal that arrived while held back; an atomic, since a signal handler may take no lock.
    static let pending = Atomic<Int32>(0)
    static let saved = Mutex<[Int32: sigaction]>([:])
    static let signals = [SIGTERM, SIGINT, SIGHUP]

    package static func begin() {
        pending.store(0, ordering: .sequentiallyConsistent)
        for s in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                LockSignalGuard.pending.store(sig, ordering: .sequentiallyConsistent)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            var old = sigaction()
            sigaction(s, &action, &old)
            saved.withLock { $0[s] = old }
        }
    }

    /// Restores the previous handlers and delivers a signal that arrived meanwhile.
    package static func end() {
        let previous = saved.withLock { saved in
            defer { saved = [:] }
            return saved
        }
        for s in signals {
            if var old = previous[s] { sigaction(s, &old, nil) }
        }
        let sig = pending.exchange(0, ordering: .sequentiallyConsistent)
        if sig != 0 { kill(getpid(), sig) }
    }
}

/// Reads a password file: `KEY=value` lines (an env file: the first key that names a password wins)
/// or else the first line. The file must not be readable by group or others.
package enum PasswordFile {
    static let keys = ["PASSWORD", "PGPASSWORD", "MYSQL_PWD", "MARIADB_PASSWORD", "MYSQL_PASSWORD", "password"]

    package static func read(_ path: String) throws -> String {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw LifeboatError.failed("cannot read password file \(path): \(String(cString: strerror(errno)))")
        }
        guard st.st_mode & 0o077 == 0 else {
            throw LifeboatError.failed(
                "password file \(path) is readable by others (mode \(String(st.st_mode & 0o777, radix: 8)))",
                hint: "chmod 600 \(path)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LifeboatError.failed("cannot read password file \(path)")
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }).map(
            String.init)
        for line in lines {
            guard let eq = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            if keys.contains(key) {
                var value = String(line[line.index(after: eq)...])
                if value.count >= 2, let f = value.first, f == "\"" || f == "'", value.last == f {
                    value = String(value.dropFirst().dropLast())
                }
                return value
            }
        }
        return lines.first ?? ""
    }
}

/// A private (0700) folder under the system temp folder holding credential files for one tool
/// run (a PGPASSFILE, a MariaDB options file), removed when done. Never holds backup data.
/// It is an `OwnedFolder`, so one left by a killed process is found and removed by `sweep()`.
package final class CredentialFolder {
    package static let parent = "/tmp"
    package static let prefix = "lifeboat-cred-"
    private let folder: OwnedFolder
    package var path: String { folder.path }

    package init() throws {
        folder = try OwnedFolder(parent: Self.parent, prefix: Self.prefix)
    }

    /// Removes the credential folders of processes that are gone; returns their paths.
    @discardableResult
    package static func sweep() -> [String] { OwnedFolder.sweep(parent: parent, prefix: prefix) }

    /// Writes `text` to a new 0600 file in the folder and returns its path.
    package func write(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LifeboatError.failed("cannot write \(file): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw LifeboatError.failed("cannot write \(file): \(String(cString: strerror(errno)))")
        }
        return file
    }

    deinit { folder.remove() }
}

/// Finds a PostgreSQL or MariaDB tool: on PATH, else in the newest /usr/lib/postgresql/*/bin.
package enum ToolLocator {
    package static func find(_ name: String) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where access("\(dir)/\(name)", X_OK) == 0 {
            return "\(dir)/\(name)"
        }
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .compactMap { Int($0) }.sorted(by: >)
        for v in versions where access("\(base)/\(v)/bin/\(name)", X_OK) == 0 {
            return "\(base)/\(v)/bin/\(name)"
        }
        return name
    }
}
