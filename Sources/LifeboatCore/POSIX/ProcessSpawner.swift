import CLifeboatSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The one way Lifeboat starts another program: posix_spawnp with the standard streams, the
/// environment, the process group and the signal state it should start with. Every pipe it makes is
/// close-on-exec from the moment it exists, so no other child started meanwhile can inherit one.
package struct ProcessSpawner: Sendable {
    /// What a standard stream of the child is connected to.
    package enum Stream: Sendable {
        /// The same as this process's.
        case inherit
        /// /dev/null.
        case null
        /// A new pipe; this process gets the other end in `SpawnedProcess`.
        case pipe
        /// This descriptor (the caller keeps it and closes it after `spawn`).
        case descriptor(Int32)
    }

    /// Which signals the child gets back with their default action (this process may ignore some).
    package enum SignalDefaults: Sendable {
        case only([Int32])
        /// Every signal that can be caught.
        case all
    }

    /// The program (searched on PATH) and its arguments.
    package var arguments: [String]
    /// The child's whole environment as `NAME=value` strings; nil passes this process's own.
    package var environment: [String]?
    package var stdin: Stream = .inherit
    package var stdout: Stream = .inherit
    package var stderr: Stream = .inherit
    /// Starts the child in a process group of its own, so it and what it starts can be signalled together.
    package var newProcessGroup = false
    /// Starts the child with no signal blocked.
    package var clearSignalMask = false
    package var signalDefaults: SignalDefaults = .only([])

    package init(_ arguments: [String], environment: [String]? = nil) {
        precondition(!arguments.isEmpty)
        self.arguments = arguments
        self.environment = environment
    }

    /// `environment` with `overrides` set on top, as `NAME=value` strings.
    package static func environment(_ base: [String: String], overriding overrides: [String: String] = [:]) -> [String]
    {
        base.merging(overrides) { $1 }.map { "\($0.key)=\($0.value)" }
    }

    /// Starts the program; throws when a pipe cannot be made or the program cannot be started.
    package func spawn() throws(SpawnError) -> SpawnedProcess {
        var made: [Int32] = []
        var childEnds: [Int32] = []
        func closeAll(_ fds: [Int32]) { for fd in fds { close(fd) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32] = [-1, -1, -1]
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .inherit: continue
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .descriptor(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .pipe:
                var p: [Int32] = [-1, -1]
                guard lifeboat_pipe2(&p, O_CLOEXEC) == 0 else {
                    let code = errno
                    closeAll(made)
                    throw .pipe(SystemCallError(code))
                }
                made += p
                let (childEnd, parentEnd) = target == 0 ? (p[0], p[1]) : (p[1], p[0])
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
                childEnds.append(childEnd)
                parentEnds[Int(target)] = parentEnd
            }
        }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var flags: Int32 = POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attr, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        if clearSignalMask {
            var none = sigset_t()
            sigemptyset(&none)
            posix_spawnattr_setsigmask(&attr, &none)
            flags |= POSIX_SPAWN_SETSIGMASK
        }
        var defaults = sigset_t()
        switch signalDefaults {
        case .only(let signals):
            sigemptyset(&defaults)
            for s in signals { sigaddset(&defaults, s) }
        case .all:
            sigfillset(&defaults)
            sigdelset(&defaults, SIGKILL)
            sigdelset(&defaults, SIGSTOP)
        }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(flags))

        let cArgs = arguments.map { strdup($0) } + [nil]
        let cEnv = environment.map { $0.map { strdup($0) } + [nil] }
        defer {
            for p in cArgs { free(p) }
            for p in cEnv ?? [] { free(p) }
        }
        var pid: pid_t = 0
        let rc: Int32
        if let cEnv {
            rc = posix_spawnp(&pid, arguments[0], &actions, &attr, cArgs, cEnv)
        } else {
            rc = posix_spawnp(&pid, arguments[0], &actions, &attr, cArgs, environ)
        }
        closeAll(childEnds)
        guard rc == 0 else {
            closeAll(parentEnds.filter { $0 >= 0 })
            throw .spawn(SystemCallError(rc))
        }
        return SpawnedProcess(pid: pid, stdin: parentEnds[0], stdout: parentEnds[1], stderr: parentEnds[2])
    }
}

/// Why a program could not be started.
package enum SpawnError: Error, Sendable {
    /// A pipe for a standard stream could not be made.
    case pipe(SystemCallError)
    /// posix_spawnp failed (the program is missing, not executable, ...).
    case spawn(SystemCallError)
}

/// A program just started: its pid and this process's ends of the pipes asked for (-1 for the others).
package struct SpawnedProcess: Sendable {
    package let pid: pid_t
    /// The write end of the child's stdin.
    package let stdin: Int32
    /// The read end of the child's stdout.
    package let stdout: Int32
    /// The read end of the child's stderr.
    package let stderr: Int32

    /// Waits for the child to end and returns its raw wait status (as waitpid gives it).
    package func waitStatus() -> Int32 {
        var status: Int32 = 0
        _ = SystemCall.retryingInterrupts { waitpid(pid, &status, 0) }
        return status
    }
}
