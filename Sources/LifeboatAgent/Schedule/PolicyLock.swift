import Foundation
import LifeboatCore

/// An exclusive per-policy lock held with flock(2) on `<spool>/.locks/<policy>.lock`, so two
/// overlapping runs (or a run and a prune) never work on the same policy at once. The kernel drops
/// the lock when its holder dies, so a lock left by a killed process is simply taken over.
public final class PolicyLock {
    let fd: Int32
    public let path: String

    /// Takes the lock without waiting; nil when another process holds it.
    public static func tryAcquire(spool: String, policy: String) throws -> PolicyLock? {
        let dir = "\(spool)/.locks"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw LifeboatError(.state, "cannot create the lock folder \(dir): \(error.localizedDescription)")
        }
        let path = "\(dir)/\(policy).lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LifeboatError(.state, "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw LifeboatError(.state, "cannot lock \(path): \(String(cString: strerror(code)))")
        }
        // For people looking at the file: who holds it.
        let note = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = note.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return PolicyLock(fd: fd, path: path)
    }

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Lets the lock go (also done when the value is released or the process ends).
    public func release() {
        flock(fd, LOCK_UN)
    }

    deinit { close(fd) }
}
