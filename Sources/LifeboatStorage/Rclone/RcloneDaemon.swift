import Foundation
import LifeboatCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One long-lived `rclone rcd` that serves every call of a run to the remotes of one rclone config, so an
/// upload, a listing or a delete costs a request on a unix socket instead of a new rclone process (its
/// start-up, a fresh SSH handshake or TLS session, a cold connection pool).
///
/// It listens on a socket in a private folder (0700) made for it, and every call must carry a
/// user and password drawn at random when it starts and handed over in its environment, never on its
/// command line. It is started lazily by the first call, in a process group of its own that Lifeboat's
/// stop signals take down, with `setpriv --pdeathsig KILL` where that is installed so it dies with
/// Lifeboat even when Lifeboat is killed. A command's work runs inside `withOwnDaemons`, which stops (by
/// pid) every daemon started inside it when it ends, however it ends.
package final class RcloneDaemon: Sendable {
    package let pid: pid_t
    /// The private folder: the socket, and small objects staged for upload.
    package var folder: String { owned.path }
    private let owned: OwnedFolder
    package let control: RcloneControlCall
    private let exit: Exit
    private let stderrTail: RcloneStderr

    private init(pid: pid_t, folder: OwnedFolder, control: RcloneControlCall, exit: Exit, stderr: RcloneStderr) {
        self.pid = pid
        self.owned = folder
        self.control = control
        self.exit = exit
        self.stderrTail = stderr
    }

    /// Whether the daemon is still running (not yet reaped).
    package var isRunning: Bool { exit.status.withLock { $0 == nil } }

    /// What the daemon said last, for a message when it ended.
    func lastWords() -> String { stderrTail.summary() }

    /// Stops the daemon's process group, waits for it (at most 5 s) and removes its folder.
    package func stop() {
        _ = Self.live.withLock { $0.removeValue(forKey: pid) }
        exit.status.withLock { status in
            if status == nil { _ = Glibc.kill(-pid, SIGKILL) }
        }
        if exit.ended.wait(timeout: .now() + 5) == .success { exit.ended.signal() }
        owned.remove()
    }

    // MARK: - The daemons of this process

    /// One daemon per (binary, config, timeouts): the start under way or done, shared by every caller.
    /// The daemons of one scope (`withOwnDaemons`), or of the process outside any.
    final class Pool: Sendable {
        let running = Mutex<[String: Task<RcloneDaemon, Error>]>([:])
    }

    @TaskLocal static var pool = Pool()

    /// Runs `body` with daemons of its own: those it starts serve only it (and the tasks it starts), and
    /// are stopped when it returns or throws.
    package static func withOwnDaemons<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let own = Pool()
        let result: Result<T, Error>
        do {
            result = .success(try await $pool.withValue(own) { try await body() })
        } catch {
            result = .failure(error)
        }
        await stopAll(own)
        return try result.get()
    }

    /// The daemon for `binary` and `config`, started if there is none or the last one ended.
    package static func shared(binary: String, config: String, flags: [String]) async throws(RcloneControlError)
        -> RcloneDaemon
    {
        let key = ([binary, config] + flags).joined(separator: "\u{0}")
        let running = pool
        // A daemon that ended (killed, crashed) is replaced once; one that ends again at once is an error.
        for _ in 0..<2 {
            let task = running.running.withLock { tasks -> Task<RcloneDaemon, Error> in
                if let t = tasks[key] { return t }
                let t = Task { try await start(binary: binary, config: config, flags: flags) }
                tasks[key] = t
                return t
            }
            let daemon: RcloneDaemon
            do {
                daemon = try await task.value
            } catch {
                running.running.withLock { tasks in
                    if let t = tasks[key], t == task { tasks[key] = nil }
                }
                throw error as? RcloneControlError ?? RcloneControlError(.cannotStart, "rclone rcd: \(error)")
            }
            if daemon.isRunning { return daemon }
            running.running.withLock { tasks in
                if let t = tasks[key], t == task { tasks[key] = nil }
            }
            daemon.stop()
        }
        throw RcloneControlError(.unreachable, "rclone rcd ended as soon as it was started")
    }

    /// Stops every daemon of the current scope (a start still under way is awaited, then stopped); the
    /// next call starts a new one.
    package static func stopAll() async { await stopAll(pool) }

    static func stopAll(_ pool: Pool) async {
        let tasks = pool.running.withLock { tasks in
            defer { tasks = [:] }
            return Array(tasks.values)
        }
        for task in tasks {
            guard let daemon = try? await task.value else { continue }
            await Task.detached { daemon.stop() }.value
        }
    }

    /// The daemons running, by pid, with their folders: what an exit that skipped `stopAll` still stops.
    private static let live = Mutex<[pid_t: String]>([:])

    /// Registered once: at `exit`, and when a stop signal ends Lifeboat (after its children were
    /// stopped), every daemon still running is killed and its folder removed.
    private static let stopsAtExit: Void = {
        atexit { RcloneDaemon.killLive() }
        _ = StopSignals.onStop { _ in RcloneDaemon.killLive() }
    }()

    static func killLive() {
        for (pid, folder) in live.withLock({ $0 }) {
            _ = Glibc.kill(-pid, SIGKILL)
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// The daemons' folders: `<TMPDIR>/lifeboat-rclone-<pid>-XXXXXX`, owned (`OwnedFolder`) by the
    /// Lifeboat that started them, so one left by a killed Lifeboat is swept by the next start.
    static let folderPrefix = "lifeboat-rclone-"

    /// How long a start may take before it is given up.
    static let startTimeout: Double = 20

    private static func start(binary: String, config: String, flags: [String]) async throws -> RcloneDaemon {
        guard access(binary, X_OK) == 0 else {
            throw RcloneControlError(.cannotStart, "cannot run \(binary): \(SystemCallError(errno).reason)")
        }
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        // A unix socket path holds at most 107 bytes.
        let parent = base.utf8.count < 60 ? base : "/tmp"
        // Folders of daemons whose Lifeboat was killed go first.
        OwnedFolder.sweep(parent: parent, prefix: folderPrefix)
        let owned: OwnedFolder
        do {
            owned = try OwnedFolder(parent: parent, prefix: folderPrefix)
        } catch {
            throw RcloneControlError(.cannotStart, "rclone rcd: \(error)")
        }
        let folder = owned.path
        let socket = folder + "/rc.sock"
        let password = secret()
        let user = "lifeboat"
        // Its cache (the sums `RcloneDestination.copyIn` reads back) is private and goes with it.
        var arguments =
            [binary, "rcd", "--config", config, "--rc-addr", "unix://" + socket, "--cache-dir", folder + "/cache"]
            + flags
        if let setpriv = findOnPath("setpriv") {
            arguments = [setpriv, "--pdeathsig", "KILL", "--"] + arguments
        }
        let environment =
            RcloneProcess.environment() + ["RCLONE_RC_USER=\(user)", "RCLONE_RC_PASS=\(password)"]
        let exit = Exit()
        let spawned = spawnOnOwnThread(arguments, environment, exit: exit)
        let daemon: RcloneDaemon
        switch spawned {
        case .failure(let e):
            owned.remove()
            throw e
        case .success(let (pid, stderrFD)):
            Self.stopsAtExit
            daemon = RcloneDaemon(
                pid: pid, folder: owned, control: RcloneControlCall(socket: socket, user: user, password: password),
                exit: exit, stderr: RcloneStderr(fd: stderrFD))
            _ = live.withLock { $0[pid] = folder }
        }
        // Ready when its socket takes a call (`rc/noop` answers at once).
        let deadline = Date().addingTimeInterval(startTimeout)
        while true {
            if !daemon.isRunning {
                daemon.stop()
                let said = daemon.lastWords()
                throw RcloneControlError(
                    .cannotStart, "rclone rcd ended as it started" + (said.isEmpty ? "" : ": \(said)"))
            }
            if FileManager.default.fileExists(atPath: socket) {
                do {
                    _ = try await daemon.control.call("rc/noop", [:])
                    return daemon
                } catch  where error.kind != .unreachable {
                    daemon.stop()
                    throw RcloneControlError(.cannotStart, "rclone rcd does not answer as expected: \(error.message)")
                } catch {}
            }
            if Task.isCancelled || Date() > deadline {
                daemon.stop()
                throw RcloneControlError(
                    .cannotStart, "rclone rcd did not listen within \(Int(startTimeout)) s: \(daemon.lastWords())")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// What the thread that started the daemon learns when it ends.
    final class Exit: Sendable {
        let status = Mutex<Int32?>(nil)
        let ended = DispatchSemaphore(value: 0)
    }

    /// Spawns the daemon from a thread of its own that then waits for it to end (a parent-death signal
    /// follows the thread that spawned, not the process, so that thread must outlive the daemon).
    private static func spawnOnOwnThread(_ arguments: [String], _ environment: [String], exit: Exit)
        -> Result<(pid_t, Int32), RcloneControlError>
    {
        let handed = Mutex<Result<(pid_t, Int32), RcloneControlError>?>(nil)
        let started = DispatchSemaphore(value: 0)
        let thread = Thread {
            var spawner = ProcessSpawner(arguments, environment: environment)
            spawner.stdin = .null
            spawner.stdout = .null
            spawner.stderr = .pipe
            spawner.newProcessGroup = true
            spawner.clearSignalMask = true
            spawner.signalDefaults = .only([SIGPIPE, SIGTERM, SIGINT, SIGHUP])
            let child: SpawnedProcess
            do throws(SpawnError) {
                guard StopSignals.received == nil else { throw SpawnError.spawn(SystemCallError(EINTR)) }
                child = try spawner.spawn()
            } catch {
                let reason: String
                switch error {
                case .pipe(let e): reason = "cannot make a pipe: \(e.reason)"
                case .spawn(let e): reason = "cannot run \(arguments[0]): \(e.reason)"
                }
                handed.withLock { $0 = .failure(RcloneControlError(.cannotStart, "rclone rcd: \(reason)")) }
                started.signal()
                return
            }
            StopSignals.adopt(child: child.pid)
            handed.withLock { $0 = .success((child.pid, child.stderr)) }
            started.signal()
            let status = child.waitStatus()
            exit.status.withLock { $0 = status }
            StopSignals.untrack(child: child.pid)
            exit.ended.signal()
        }
        thread.start()
        started.wait()
        return handed.withLock { $0 } ?? .failure(RcloneControlError(.cannotStart, "rclone rcd: not started"))
    }

    /// 32 random bytes, hex.
    static func secret() -> String {
        // The system generator reads the kernel's (getrandom(2)): fit for a secret.
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
    }

    static func findOnPath(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
