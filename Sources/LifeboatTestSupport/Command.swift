import Foundation
import LifeboatCore

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of running an external program in a test.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: [UInt8]
    public let stderr: String
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs real external programs (gpg, gunzip, tar, python3) from tests, feeding stdin from memory or a file.
///
/// Spawned with posix_spawnp and reaped with waitpid on its own pid. Every pipe is close-on-exec, so a
/// program started meanwhile by another test (a server that outlives it, gpg's agent) cannot inherit
/// one and hold it open; Foundation's `Process` gave no such guarantee, and a test hung once waiting
/// for an end of file that never came.
public enum Command {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    @discardableResult
    public static func run(
        _ argv: [String], stdin: [UInt8]? = nil, stdinFile: String? = nil, environment: [String: String] = [:]
    ) throws -> CommandResult {
        precondition(!argv.isEmpty)
        ignoreSIGPIPE
        let output = try pipe(), errors = try pipe()
        var input: (read: Int32, write: Int32)?
        let childStdin: Int32
        if let stdinFile {
            childStdin = open(stdinFile, O_RDONLY | O_CLOEXEC)
            guard childStdin >= 0 else { throw Failure(description: "cannot open \(stdinFile): \(String(cString: strerror(errno)))") }
        } else if stdin != nil {
            let p = try pipe()
            input = p
            childStdin = p.read
        } else {
            childStdin = open("/dev/null", O_RDONLY | O_CLOEXEC)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childStdin, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)

        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        // The program gets SIGPIPE's default action back (this process ignores it).
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, cArgs, cEnv)
        close(childStdin)
        close(output.write)
        close(errors.write)
        guard rc == 0 else {
            close(output.read)
            close(errors.read)
            if let input { close(input.write) }
            throw Failure(description: "cannot run \(argv[0]): \(String(cString: strerror(rc)))")
        }

        let group = DispatchGroup()
        nonisolated(unsafe) var out: [UInt8] = []
        nonisolated(unsafe) var err: [UInt8] = []
        group.enter()
        DispatchQueue.global().async { out = drain(output.read); group.leave() }
        group.enter()
        DispatchQueue.global().async { err = drain(errors.read); group.leave() }
        if let input, let stdin {
            feed(stdin, to: input.write)
            close(input.write)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        group.wait()
        // WIFEXITED / WEXITSTATUS, and the signal number for a killed program (as Process reported it).
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f
        return CommandResult(status: code, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }

    /// Whether a program is on PATH.
    public static func exists(_ name: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(name)"]).status) == 0
    }

    /// A write to a program that has stopped reading must fail with EPIPE, not kill the test process.
    private static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// A pipe whose two ends are close-on-exec from the moment they exist.
    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard GNU.pipe2(&fds, O_CLOEXEC) == 0 else {
            throw Failure(description: "cannot make a pipe: \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }

    private static func drain(_ fd: Int32) -> [UInt8] {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            all.append(contentsOf: buffer[0..<n])
        }
        close(fd)
        return all
    }

    private static func feed(_ bytes: [UInt8], to fd: Int32) {
        bytes.withUnsafeBytes { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }   // the program stopped reading
                offset += n
            }
        }
    }
}
