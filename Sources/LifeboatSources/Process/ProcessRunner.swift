import Foundation
import LifeboatCore

/// Runs short administrative commands (snapshot create and delete, listing) and reports what they
/// said. Snapshot providers take one, so tests can inject a runner that records each argv instead
/// of touching LVM or ZFS.
package protocol CommandRunner: Sendable {
    /// Runs `argv` to its end or until `deadline`, when its process group is killed and
    /// `timedOut` is set. Throws only when the program cannot be started.
    func run(_ argv: [String], environment: [String: String], deadline: ContinuousClock.Instant?) throws
        -> CommandOutcome
}

/// What a command did: how it ended, its stdout, and the last lines of its stderr.
package struct CommandOutcome: Sendable {
    package var termination: ProcessTermination?
    package var stdout: String
    package var stderr: String
    package var timedOut: Bool { termination == nil }
    package var succeeded: Bool { termination == .exited(0) }

    package init(termination: ProcessTermination?, stdout: String = "", stderr: String = "") {
        self.termination = termination
        self.stdout = stdout
        self.stderr = stderr
    }
}

extension CommandRunner {
    package func run(_ argv: [String]) throws -> CommandOutcome {
        try run(argv, environment: [:], deadline: nil)
    }

    /// Runs `argv` and throws a clear error when it fails or times out.
    @discardableResult
    package func check(
        _ argv: [String], environment: [String: String] = [:],
        deadline: ContinuousClock.Instant? = nil, what: String
    ) throws -> CommandOutcome {
        let out = try run(argv, environment: environment, deadline: deadline)
        guard let t = out.termination else {
            throw LifeboatError.failed("\(what): \(argv.joined(separator: " ")) did not finish in time and was killed")
        }
        guard t.succeeded else {
            throw LifeboatError.failed("\(what): \(argv[0]) \(t)" + (out.stderr.isEmpty ? "" : ": \(out.stderr)"))
        }
        return out
    }
}

/// The real runner: spawns the program in its own process group.
package struct SystemCommandRunner: CommandRunner {
    package init() {}

    package func run(_ argv: [String], environment: [String: String], deadline: ContinuousClock.Instant?) throws
        -> CommandOutcome
    {
        let child = try ProcessChild(argv, environment: environment)
        let sink = MemorySink()
        // Read stdout on a thread so a deadline can still fire while the program is silent.
        let reader = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = try? child.pumpStdout(into: sink, bufferSize: 64 << 10)
            reader.signal()
        }
        let t: ProcessTermination?
        if let deadline {
            t = child.wait(until: deadline)
            if t == nil {
                child.kill(SIGKILL)
                child.wait()
            }
        } else {
            t = child.wait()
        }
        _ = reader.wait(timeout: .now() + 2)
        return CommandOutcome(
            termination: t, stdout: String(decoding: sink.bytes, as: UTF8.self),
            stderr: child.stderrSummary())
    }
}
