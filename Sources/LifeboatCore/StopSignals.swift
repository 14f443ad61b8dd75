import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What SIGTERM, SIGINT and SIGHUP do while `backup` or `run` works: every child's process group is
/// stopped (a dumper must not outlive Lifeboat and hold a database connection or a lock), the backup
/// being spooled is marked failed and its spool removed, and then the process ends by the same signal,
/// so systemd and the shell see what stopped it. Without this a stopped backup stayed `running` until
/// the next run and its child kept running.
///
/// The signal handler only writes the signal's number to a pipe (the one thing it may safely do); a
/// thread of its own reads it and does the work. While a database lock is held, `LockSignalGuard`
/// holds stop signals back and delivers them here once the lock is let go.
package enum StopSignals {
    /// The signals handled.
    package static let signals = [SIGTERM, SIGINT, SIGHUP]

    /// The pipe's write end, read by the handler (an atomic: a handler may take no lock).
    static let writeEnd = Atomic<Int32>(-1)
    static let installed = Atomic(false)
    static let children = Mutex<Set<pid_t>>([])
    static let cleanups = Mutex<[Int: @Sendable (Int32) -> Void]>([:])
    static let nextToken = Atomic(0)
    static let receivedSignal = Atomic<Int32>(0)

    /// The stop signal being acted on, once one has arrived: work that fails because its child was
    /// stopped says this rather than blaming the child.
    package static var received: Int32? {
        let s = receivedSignal.load(ordering: .sequentiallyConsistent)
        return s == 0 ? nil : s
    }

    /// The line a backup stopped by `sig` is failed with.
    package static func reason(_ sig: Int32) -> String { "interrupted: stopped by signal \(sig)" }

    /// Installs the handler and starts the thread that acts on it; later calls do nothing.
    package static func install() {
        guard !installed.exchange(true, ordering: .sequentiallyConsistent) else { return }
        var fds: [Int32] = [-1, -1]
        guard GNU.pipe2(&fds, O_CLOEXEC) == 0 else { return }
        writeEnd.store(fds[1], ordering: .sequentiallyConsistent)
        let readEnd = fds[0]
        Thread.detachNewThread { watch(readEnd) }
        // Once a stop has begun, a command that finishes meanwhile (its child was stopped, so it
        // failed) must not exit before the clean-up is done: its exit waits here for the signal.
        atexit {
            guard StopSignals.received != nil else { return }
            for _ in 0..<200 { usleep(50_000) }
        }
        for s in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                var byte = UInt8(truncatingIfNeeded: sig)
                _ = write(StopSignals.writeEnd.load(ordering: .sequentiallyConsistent), &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(s, &action, nil)
        }
    }

    /// A child's process group to stop with Lifeboat (its pid: children are spawned as group leaders).
    package static func track(child pid: pid_t) {
        _ = children.withLock { $0.insert(pid) }
    }

    /// Tracks a child just started. A stop that began while it was being started did not see it, so
    /// unless it is a clean-up's own (`cleanUp`) it is killed at once: nothing may outlive Lifeboat.
    package static func adopt(child pid: pid_t, cleanUp: Bool = false) {
        track(child: pid)
        if !cleanUp, received != nil { kill(-pid, SIGKILL) }
    }

    /// The child has been reaped: its group is no longer Lifeboat's to stop.
    package static func untrack(child pid: pid_t) {
        _ = children.withLock { $0.remove(pid) }
    }

    /// Runs `body` (with the signal) if a stop signal arrives before `remove` is called with the token.
    package static func onStop(_ body: @escaping @Sendable (Int32) -> Void) -> Int {
        let token = nextToken.add(1, ordering: .relaxed).newValue
        cleanups.withLock { $0[token] = body }
        return token
    }

    /// Cancels an `onStop`.
    package static func remove(_ token: Int) {
        _ = cleanups.withLock { $0.removeValue(forKey: token) }
    }

    static func watch(_ fd: Int32) {
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n == 1 { break }
            if n < 0 && errno == EINTR { continue }
            return
        }
        stop(Int32(byte))
    }

    /// Stops the children (SIGTERM, then SIGKILL after 2 s), runs the cleanups, then ends the process
    /// by the signal's default action.
    static func stop(_ sig: Int32) {
        receivedSignal.store(sig, ordering: .sequentiallyConsistent)
        let name = sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "SIGTERM"
        FileHandle.standardError.write(Data("lifeboat: stopped by \(name); cleaning up\n".utf8))
        let groups = children.withLock { $0 }
        for pid in groups { kill(-pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, groups.contains(where: { kill(-$0, 0) == 0 }) { usleep(20_000) }
        for pid in groups { kill(-pid, SIGKILL) }
        let bodies = cleanups.withLock { $0.sorted { $0.key < $1.key }.map(\.value) }
        for body in bodies { body(sig) }
        signal(sig, SIG_DFL)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, sig)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        kill(getpid(), sig)
        usleep(500_000)
        _exit(128 + sig)
    }
}
