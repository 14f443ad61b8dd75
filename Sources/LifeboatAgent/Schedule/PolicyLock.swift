import Foundation
import LifeboatCore
import Synchronization

/// An exclusive per-policy lock held with flock(2) on `<spool>/.locks/<policy>.lock`, so two
/// overlapping runs (or a run and a prune) never work on the same policy at once. The kernel drops
/// the lock when its holder dies, so a lock left by a killed process is simply taken over.
package final class PolicyLock {
    let fd: Int32
    package let path: String
    /// Until `release`: this value's lock, released once (a later holder of the same file keeps its own).
    private var holding = true

    /// The lock files this process holds now. flock(2) conflicts between two descriptors of one
    /// process too, so asking "is it held?" about our own lock must not go through the kernel.
    private static let held = HeldSet()

    /// Whether some process, this one included, works on `policy` now. This is how a backup row left
    /// `running` is told from a live one: the lock dies with its holder, while a pid may be reused.
    package static func isHeld(spool: String, policy: String) throws -> Bool {
        if held.contains(Self.path(spool: spool, policy: policy)) { return true }
        guard let probe = try tryAcquire(spool: spool, policy: policy) else { return true }
        probe.release()
        return false
    }

    static func path(spool: String, policy: String) -> String { "\(spool)/.locks/\(policy).lock" }

    /// Takes the lock without waiting; nil when another process holds it.
    package static func tryAcquire(spool: String, policy: String) throws -> PolicyLock? {
        let dir = "\(spool)/.locks"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw LifeboatError(.state, "cannot create the lock folder \(dir): \(error.localizedDescription)")
        }
        let path = Self.path(spool: spool, policy: policy)
        if held.contains(path) { return nil }
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LifeboatError(.state, "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        if SystemCall.retryingInterrupts({ flock(fd, LOCK_EX | LOCK_NB) }) != 0 {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw LifeboatError(.state, "cannot lock \(path): \(String(cString: strerror(code)))")
        }
        // For people looking at the file: who holds it.
        let note = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = note.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        held.insert(path)
        return PolicyLock(fd: fd, path: path)
    }

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Lets the lock go (also done when the value is released or the process ends).
    package func release() {
        guard holding else { return }
        holding = false
        flock(fd, LOCK_UN)
        Self.held.remove(path)
    }

    deinit {
        release()
        close(fd)
    }
}

/// A set of lock paths shared by every thread of the process.
private final class HeldSet: Sendable {
    private let paths = Mutex(Set<String>())

    func contains(_ p: String) -> Bool { paths.withLock { $0.contains(p) } }
    func insert(_ p: String) { paths.withLock { _ = $0.insert(p) } }
    func remove(_ p: String) { paths.withLock { _ = $0.remove(p) } }
}
