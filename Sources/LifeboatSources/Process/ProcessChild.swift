import Foundation
import LifeboatCore

#if canImport(Glibc)
    import Glibc
    import Synchronization
#endif

/// How a child process ended.
package enum ProcessTermination: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    package var succeeded: Bool { self == .exited(0) }

    package var description: String {
        switch self {
        case .exited(let code): return "exited with status \(code)"
        case .signaled(let sig): return "was killed by signal \(sig)"
        }
    }
}

/// A running external program (a dumper, a lock session, a snapshot command), spawned with
/// posix_spawn in its own process group so that a timeout can kill it and everything it started.
///
/// Its stderr is always drained on a thread and the last few KiB kept, so a failure can be
/// reported with the tool's own words; its stdout is a pipe the caller reads or discards.
///
/// Written here rather than taken from swift-subprocess: the lock phase talks to a live session
/// (psql, mariadb) line by line with deadlines, synchronously, while stop signals are held back,
/// and must be able to kill the whole process group at `max_lock`; dumpers and loaders are driven
/// from synchronous `ByteSink` writes. swift-subprocess's API is async throughout.
package final class ProcessChild: Sendable {
    package enum Input { case null, pipe }
    package enum Output { case null, pipe }

    package let argv: [String]
    package let pid: pid_t
    /// The read end of the child's stdout, when `Output.pipe` was asked for (else -1).
    package let stdoutFD: Int32
    /// The write end of the child's stdin, when `Input.pipe` was asked for and until `closeStdin`.
    package var stdinFD: Int32 { stdin.withLock { $0 } }
    private let stdin: Mutex<Int32>
    private let stderrTail: StderrTail
    /// How the child ended, once a wait has seen it; held while waiting, so one waitpid reaps it.
    private let termination = Mutex<ProcessTermination?>(nil)

    /// Starts `argv[0]` (searched on PATH) with `environment` added to the scrubbed one that
    /// `ChildEnvironment` keeps from this process's (no AWS_* or other secrets pass).
    ///
    /// Once Lifeboat is being stopped (SIGTERM, SIGINT, SIGHUP) no new child starts, because the stop has
    /// already taken its list of children to end and one started now would outlive Lifeboat; only a
    /// clean-up (`evenWhenStopping`: dropping a scratch database) may still run one.
    package init(
        _ argv: [String], environment: [String: String] = [:], stdin: Input = .null,
        stdout: Output = .pipe, evenWhenStopping: Bool = false
    ) throws {
        precondition(!argv.isEmpty)
        if !evenWhenStopping, let sig = StopSignals.received {
            throw LifeboatError.failed("\(argv[0]) not started: \(StopSignals.reason(sig))")
        }
        self.argv = argv
        var spawner = ProcessSpawner(argv, environment: ProcessSpawner.environment(ChildEnvironment.make(environment)))
        spawner.stdin = stdin == .pipe ? .pipe : .null
        spawner.stdout = stdout == .pipe ? .pipe : .null
        spawner.stderr = .pipe
        spawner.newProcessGroup = true
        spawner.clearSignalMask = true
        spawner.signalDefaults = .only([SIGPIPE, SIGTERM, SIGINT, SIGHUP])
        let child: SpawnedProcess
        do {
            child = try spawner.spawn()
        } catch {
            switch error {
            case .pipe(let e): throw LifeboatError.failed("cannot create a pipe: \(e.reason)")
            case .spawn(let e):
                throw LifeboatError.failed("cannot run \(argv[0]): \(e.reason)", hint: "install it or put it on PATH")
            }
        }
        pid = child.pid
        StopSignals.adopt(child: pid, cleanUp: evenWhenStopping)
        self.stdin = Mutex(child.stdin)
        stdoutFD = child.stdout
        stderrTail = StderrTail(fd: child.stderr)
    }

    deinit {
        closeStdin()
        if stdoutFD >= 0 { close(stdoutFD) }
    }

    /// Copies the child's stdout into `sink` until end of file (without finishing the sink).
    /// On a sink error the child is killed so it does not block on a full pipe.
    package func pumpStdout(into sink: ByteSink, bufferSize: Int = 1 << 20) throws -> Int64 {
        precondition(stdoutFD >= 0, "stdout is not a pipe")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n: Int
            do {
                n = try FileDescriptorIO.read(stdoutFD, buffer.baseAddress, bufferSize)
            } catch {
                throw LifeboatError.failed("cannot read the output of \(argv[0]): \(error.reason)")
            }
            if n == 0 { return total }
            do {
                try sink.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            } catch {
                kill()
                throw error
            }
            total += Int64(n)
        }
    }

    /// Writes text to the child's stdin.
    package func send(_ text: String) throws {
        precondition(stdinFD >= 0, "stdin is not a pipe")
        var bytes = Array(text.utf8)
        defer { bytes.removeAll() }
        var failure: SystemCallError?
        bytes.withUnsafeBytes { buffer in
            do throws(SystemCallError) { try FileDescriptorIO.writeAll(stdinFD, buffer) } catch { failure = error }
        }
        if let failure { throw LifeboatError.failed("cannot write to \(argv[0]): \(failure.reason)") }
    }

    /// Closes the child's stdin: a SQL client reading it then ends its session and exits.
    package func closeStdin() {
        stdin.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    /// Reads one line of stdout (without the newline); nil at end of file or after `deadline`.
    package func readLine(deadline: ContinuousClock.Instant) -> String? {
        precondition(stdoutFD >= 0, "stdout is not a pipe")
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            var p = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            let r = SystemCall.retryingInterrupts { () -> Int32 in
                let left = ContinuousClock.now.duration(to: deadline)
                let ms = Int32(
                    clamping: max(
                        0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
                return poll(&p, 1, ms)
            }
            if r <= 0 { return nil }
            guard let n = try? FileDescriptorIO.read(stdoutFD, &byte, 1), n > 0 else { return nil }
            if byte == 0x0a { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// Sends a signal to the child's whole process group.
    package func kill(_ signal: Int32 = SIGKILL) {
        let done = termination.withLock { $0 != nil }
        if !done { Glibc.kill(-pid, signal) }
    }

    /// Waits for the child to end and for its stderr to be drained.
    @discardableResult
    package func wait() -> ProcessTermination {
        termination.withLock { termination in
            if let termination { return termination }
            var status: Int32 = 0
            _ = SystemCall.retryingInterrupts { waitpid(pid, &status, 0) }
            let t = Self.decode(status)
            termination = t
            StopSignals.untrack(child: pid)
            stderrTail.join()
            return t
        }
    }

    /// Waits until `deadline`; nil when the child is still running then.
    package func wait(until deadline: ContinuousClock.Instant) -> ProcessTermination? {
        while true {
            let seen: (ProcessTermination, fresh: Bool)? = termination.withLock { termination in
                if let termination { return (termination, false) }
                var status: Int32 = 0
                guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
                let t = Self.decode(status)
                termination = t
                StopSignals.untrack(child: pid)
                return (t, true)
            }
            if let seen {
                if seen.fresh { stderrTail.join() }
                return seen.0
            }
            if ContinuousClock.now >= deadline { return nil }
            usleep(2000)
        }
    }

    /// The last lines the child wrote to stderr, joined by "; ".
    package func stderrSummary(lines: Int = 3) -> String {
        stderrTail.lastLines(lines)
    }

    static func decode(_ status: Int32) -> ProcessTermination {
        let sig = status & 0x7f
        if sig == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(sig)
    }

    /// The error a failed tool turns into: what ran, how it ended, and its own last words.
    package func failure(_ what: String, _ t: ProcessTermination) -> LifeboatError {
        let said = stderrSummary()
        return LifeboatError.failed("\(what): \(argv[0]) \(t)" + (said.isEmpty ? "" : ": \(said)"))
    }
}

/// Drains a stderr pipe on its own thread, keeping only the last 8 KiB.
final class StderrTail: Sendable {
    private let fd: Int32
    private let tail = Mutex<[UInt8]>([])
    private let done = DispatchSemaphore(value: 0)
    private let joined = Atomic(false)

    init(fd: Int32) {
        self.fd = fd
        let thread = Thread { [self] in
            var buf = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buf.withUnsafeMutableBytes { try? FileDescriptorIO.read(fd, $0.baseAddress, 4096) } ?? -1
                if n <= 0 { break }
                tail.withLock { tail in
                    tail.append(contentsOf: buf[0..<n])
                    if tail.count > 8192 { tail.removeFirst(tail.count - 8192) }
                }
            }
            close(fd)
            done.signal()
        }
        thread.start()
    }

    /// Waits for the pipe's end (every holder of its write end has exited or closed it).
    func join() {
        if !joined.exchange(true, ordering: .acquiringAndReleasing) {
            // A grandchild may keep the pipe open; do not wait for it forever.
            _ = done.wait(timeout: .now() + 2)
        }
    }

    func lastLines(_ n: Int) -> String {
        let text = tail.withLock { String(decoding: $0, as: UTF8.self) }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return lines.suffix(n).joined(separator: "; ")
    }
}
