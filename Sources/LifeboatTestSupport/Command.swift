import Foundation
import LifeboatCore

#if canImport(Glibc)
    import Glibc
    import Synchronization
#endif

/// The outcome of running an external program in a test.
package struct CommandResult: Sendable {
    package let status: Int32
    package let stdout: [UInt8]
    package let stderr: String
    package var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs real external programs (gpg, gunzip, tar, python3) from tests, feeding stdin from memory or a file.
///
/// Spawned with posix_spawnp and reaped with waitpid on its own pid. Every pipe is close-on-exec, so a
/// program started meanwhile by another test (a server that outlives it, gpg's agent) cannot inherit
/// one and hold it open; Foundation's `Process` gave no such guarantee, and a test hung once waiting
/// for an end of file that never came.
package enum Command {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    @discardableResult
    package static func run(
        _ argv: [String], stdin: [UInt8]? = nil, stdinFile: String? = nil, environment: [String: String] = [:]
    ) throws -> CommandResult {
        precondition(!argv.isEmpty)
        ignoreSIGPIPE
        var spawner = ProcessSpawner(
            argv, environment: ProcessSpawner.environment(ProcessInfo.processInfo.environment, overriding: environment))
        var stdinFD: Int32 = -1
        if let stdinFile {
            stdinFD = open(stdinFile, O_RDONLY | O_CLOEXEC)
            guard stdinFD >= 0 else {
                throw Failure(description: "cannot open \(stdinFile): \(String(cString: strerror(errno)))")
            }
            spawner.stdin = .descriptor(stdinFD)
        } else {
            spawner.stdin = stdin != nil ? .pipe : .null
        }
        spawner.stdout = .pipe
        spawner.stderr = .pipe
        // The program gets SIGPIPE's default action back (this process ignores it).
        spawner.signalDefaults = .only([SIGPIPE])
        let child: SpawnedProcess
        do {
            child = try spawner.spawn()
            if stdinFD >= 0 { close(stdinFD) }
        } catch {
            if stdinFD >= 0 { close(stdinFD) }
            switch error {
            case .pipe(let e): throw Failure(description: "cannot make a pipe: \(e.reason)")
            case .spawn(let e): throw Failure(description: "cannot run \(argv[0]): \(e.reason)")
            }
        }

        let group = DispatchGroup()
        let output = Mutex<(out: [UInt8], err: [UInt8])>(([], []))
        group.enter()
        DispatchQueue.global().async {
            let bytes = drain(child.stdout)
            output.withLock { $0.out = bytes }
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            let bytes = drain(child.stderr)
            output.withLock { $0.err = bytes }
            group.leave()
        }
        if child.stdin >= 0, let stdin {
            // A program may stop reading early; the write then fails with EPIPE, which is no error here.
            stdin.withUnsafeBytes { _ = try? FileDescriptorIO.writeAll(child.stdin, $0) }
            close(child.stdin)
        }
        let status = child.waitStatus()
        group.wait()
        let (out, err) = output.withLock { $0 }
        // WIFEXITED / WEXITSTATUS, and the signal number for a killed program (as Process reported it).
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f
        return CommandResult(status: code, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }

    /// Whether a program is on PATH.
    package static func exists(_ name: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(name)"]).status) == 0
    }

    /// A write to a program that has stopped reading must fail with EPIPE, not kill the test process.
    private static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

    private static func drain(_ fd: Int32) -> [UInt8] {
        defer { close(fd) }
        return (try? FileDescriptorIO.readAll(fd)) ?? []
    }
}
