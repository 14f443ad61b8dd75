import Foundation
import LifeboatCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One run of the rclone binary, in a process group of its own that is killed when the task awaiting it
/// is cancelled and stopped with Lifeboat on SIGTERM, SIGINT or SIGHUP (`StopSignals`), so no upload
/// outlives the process that started it. Its stderr is drained on a thread and its last lines kept for
/// the error message; its stdout is read in blocks off Swift's cooperative threads.
final class RcloneProcess: Sendable {
    let pid: pid_t
    /// The read end of rclone's stdout, or -1.
    let stdoutFD: Int32
    private let stdinFD: Mutex<Int32>
    private let stderrTail: RcloneStderr
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `binary` with `arguments` and a small environment of its own (no secrets of this process
    /// pass; what rclone needs is in its config file).
    init(binary: String, arguments: [String], stdin: Bool, stdout: Bool) throws(SpawnError) {
        Self.ignoreBrokenPipes
        // Once Lifeboat is being stopped, no new upload starts: the stop has taken its list of children.
        guard StopSignals.received == nil else { throw .spawn(SystemCallError(EINTR)) }
        var spawner = ProcessSpawner([binary] + arguments, environment: Self.environment())
        spawner.stdin = stdin ? .pipe : .null
        spawner.stdout = stdout ? .pipe : .null
        spawner.stderr = .pipe
        spawner.newProcessGroup = true
        spawner.clearSignalMask = true
        spawner.signalDefaults = .only([SIGPIPE, SIGTERM, SIGINT, SIGHUP])
        let child = try spawner.spawn()
        pid = child.pid
        StopSignals.adopt(child: pid)
        stdinFD = Mutex(child.stdin)
        stdoutFD = child.stdout
        stderrTail = RcloneStderr(fd: child.stderr)
    }

    deinit {
        closeStdin()
        if stdoutFD >= 0 { close(stdoutFD) }
    }

    /// Writing to a pipe whose reader died must be an error to report, not a signal that ends Lifeboat.
    static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// PATH, HOME, TMPDIR and the locale; the config's own password, when the operator encrypted it.
    static func environment() -> [String] {
        let mine = ProcessInfo.processInfo.environment
        var out = ["PATH=" + (mine["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")]
        for name in ["HOME", "TMPDIR", "LANG", "LC_ALL", "RCLONE_CONFIG_PASS"] {
            if let v = mine[name] { out.append("\(name)=\(v)") }
        }
        return out
    }

    /// Kills the whole process group (nothing once it has been reaped: the pid may be another's by then).
    func kill() {
        reaped.withLock { status in
            if status == nil { _ = Glibc.kill(-pid, SIGKILL) }
        }
    }

    func closeStdin() {
        stdinFD.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    /// Writes all of `bytes` to rclone's stdin, then closes it.
    func feed(_ bytes: [UInt8]) async throws(SystemCallError) {
        let fd = stdinFD.withLock { $0 }
        let result: Result<Void, SystemCallError> =
            (try? await BlockingWork.run {
                bytes.withUnsafeBytes { buffer in
                    Result { () throws(SystemCallError) in try FileDescriptorIO.writeAll(fd, buffer) }
                }
            }) ?? .success(())
        closeStdin()
        try result.get()
    }

    /// The next block of stdout, at most `limit` bytes; empty at its end.
    func nextBlock(limit: Int = 1 << 20) async throws(SystemCallError) -> [UInt8] {
        try await Self.nextBlock(of: stdoutFD, limit: limit)
    }

    /// The next bytes readable from `fd`, off the cooperative threads: at least 64 KiB unless it ends
    /// sooner (a slow link's bytes are handed over without waiting for a full block), at most `limit`;
    /// empty at its end. Also what a read the daemon serves (`RcloneServedRead`) streams with.
    static func nextBlock(of fd: Int32, limit: Int = 1 << 20) async throws(SystemCallError) -> [UInt8] {
        let result: Result<[UInt8], SystemCallError> =
            (try? await BlockingWork.run {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: limit, alignment: 16)
                defer { buffer.deallocate() }
                var filled = 0
                do throws(SystemCallError) {
                    while filled < limit {
                        let n = try FileDescriptorIO.read(fd, buffer.baseAddress.map { $0 + filled }, limit - filled)
                        if n == 0 { break }
                        filled += n
                        if filled >= 64 << 10 { break }
                    }
                } catch {
                    return .failure(error)
                }
                return .success([UInt8](UnsafeRawBufferPointer(rebasing: buffer[0..<filled])))
            }) ?? .success([])
        return try result.get()
    }

    /// Waits for rclone to end (off the cooperative threads) and returns its raw wait status.
    func wait() async -> Int32 {
        let pid = self.pid
        let status =
            (try? await BlockingWork.run { () -> Int32 in
                var status: Int32 = 0
                _ = SystemCall.retryingInterrupts { waitpid(pid, &status, 0) }
                return status
            }) ?? 0
        reaped.withLock { $0 = status }
        StopSignals.untrack(child: pid)
        stderrTail.join()
        return status
    }

    /// rclone's own last words, without its timestamps.
    func stderrSummary() -> String { stderrTail.summary() }
}

/// Drains rclone's stderr on a thread of its own, keeping the last 8 KiB.
final class RcloneStderr: Sendable {
    private let tail = Mutex<[UInt8]>([])
    private let done = DispatchSemaphore(value: 0)

    init(fd: Int32) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { (try? FileDescriptorIO.read(fd, $0.baseAddress, 4096)) ?? -1 }
                if n <= 0 { break }
                tail.withLock { tail in
                    tail.append(contentsOf: buffer[0..<n])
                    if tail.count > 8192 { tail.removeFirst(tail.count - 8192) }
                }
            }
            close(fd)
            done.signal()
        }
        thread.start()
    }

    /// Waits for the end of the pipe, at most 2 s (a process rclone started may hold it open).
    func join() { _ = done.wait(timeout: .now() + 2) }

    /// The last two lines that say something, each without the `2026/11/29 16:50:34 ` rclone puts first.
    func summary() -> String {
        let text = tail.withLock { String(decoding: $0, as: UTF8.self) }
        let lines = text.split(whereSeparator: \.isNewline).map { line -> String in
            var s = Substring(line)
            if s.count > 20, s.dropFirst(4).first == "/", s.dropFirst(10).first == " " { s = s.dropFirst(20) }
            return s.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty && !$0.contains("No host key validation") }
        return TerminalText.printable(lines.suffix(2).joined(separator: "; "))
    }
}
