import Foundation
import LifeboatCore
import LifeboatSources

/// A restored PostgreSQL data directory proven the way a recovery would use it: started as a throwaway
/// server of its own major version, on a private socket inside the drill's folder (no TCP port, no
/// archiving, no replication, no preloaded libraries), asked a query, and stopped. A snapshot of a
/// running server starts with crash recovery, as it would after a disaster; a signal file that would keep
/// it a standby is removed from the scratch copy, so it comes up as a primary that answers.
enum PostgresDataDirectoryProof {
    /// The file in a drill's folder that holds the throwaway server's pid, so the sweep after a killed
    /// drill stops it.
    static let serverNote = "server"
    /// How long crash recovery may take before the drill gives up.
    static let startTimeout: Duration = .seconds(600)

    /// The shallowest folder of `tree` that holds `PG_VERSION` and `global/pg_control`; nil when none does.
    static func find(in tree: String) -> String? {
        guard let walker = FileManager.default.enumerator(atPath: tree) else { return nil }
        var best: String?
        while let relative = walker.nextObject() as? String {
            guard (relative as NSString).lastPathComponent == "PG_VERSION" else { continue }
            let folder = (relative as NSString).deletingLastPathComponent
            let full = folder.isEmpty ? tree : "\(tree)/\(folder)"
            guard FileManager.default.fileExists(atPath: "\(full)/global/pg_control") else { continue }
            if best.map({ full.count < $0.count }) ?? true { best = full }
        }
        return best
    }

    /// Starts the server on the data directory `data` (inside the drill folder `work`), asks it for its
    /// databases, stops it, and says what it answered.
    static func prove(data: String, work: String, scratch: String) throws -> String {
        let major = try majorVersion(data)
        let bin = "/usr/lib/postgresql/\(major)/bin"
        guard access("\(bin)/postgres", X_OK) == 0, access("\(bin)/psql", X_OK) == 0 else {
            throw LifeboatError.failed(
                "a PostgreSQL \(major) data directory was restored, but \(bin)/postgres is not installed here to start it",
                hint: "install postgresql-\(major) on the recovery host")
        }
        try refuseLinksOut(of: data, within: work)
        for name in ["postmaster.pid", "postmaster.opts", "standby.signal", "recovery.signal"] {
            unlink("\(data)/\(name)")
        }
        let setup = "\(work)/pg"
        let socket = "\(setup)/socket"
        try ExclusiveFile.makePrivateFolder(setup)
        try ExclusiveFile.makePrivateFolder(socket)
        try settings(socket: socket, setup: setup).write(
            toFile: "\(setup)/postgresql.conf", atomically: true, encoding: .utf8)
        try "local all all trust\n".write(toFile: "\(setup)/pg_hba.conf", atomically: true, encoding: .utf8)
        try "".write(toFile: "\(setup)/pg_ident.conf", atomically: true, encoding: .utf8)
        let runAs = try ServerUser.forThisProcess()
        if let user = runAs { try user.take([setup, data], reaching: data, within: scratch) }
        chmod(data, 0o700)

        let argv =
            (runAs?.prefix ?? []) + ["\(bin)/postgres", "-D", data, "-c", "config_file=\(setup)/postgresql.conf"]
        let server = try ProcessChild(argv, stdout: .null)
        try? "\(server.pid)\n".write(toFile: "\(work)/\(serverNote)", atomically: true, encoding: .utf8)
        defer { stop(server) }
        try waitUntilReady(server, bin: bin, socket: socket)
        let runner = SystemCommandRunner()
        let out = try runner.check(
            [
                "\(bin)/psql", "-X", "-q", "-A", "-t", "-h", socket, "-p", "5432", "-U", "postgres", "-d", "postgres",
                "-c", "SELECT count(*) FROM pg_database WHERE datallowconn",
            ], deadline: .now + .seconds(60), what: "the restored PostgreSQL \(major) server did not answer")
        guard let databases = Int(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LifeboatError.failed("the restored PostgreSQL \(major) server answered \(out.stdout.prefix(80))")
        }
        return "PostgreSQL \(major) data directory started and answered (\(Count.of(databases, "database")))"
    }

    /// A data directory whose `pg_wal` or tablespaces are links to folders outside the drill's folder
    /// would have the server write there: it is not started.
    static func refuseLinksOut(of data: String, within work: String) throws {
        guard let walker = FileManager.default.enumerator(atPath: data) else { return }
        while let relative = walker.nextObject() as? String {
            let path = "\(data)/\(relative)"
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { continue }
            let resolved = normalized(
                target.hasPrefix("/") ? target : "\((path as NSString).deletingLastPathComponent)/\(target)")
            guard resolved.hasPrefix(work + "/") else {
                throw LifeboatError.failed(
                    "the restored data directory's \(relative) links to \(target), outside the scratch folder: not started",
                    hint:
                        "a data directory with pg_wal or tablespaces elsewhere is proven by its digest and extraction only"
                )
            }
        }
    }

    /// An absolute path without `.` and `..` (not following links: enough to compare with a prefix).
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `PG_VERSION`'s major version: digits only, as the binaries' folder is named after it.
    static func majorVersion(_ data: String) throws -> String {
        let text = (try? String(contentsOfFile: "\(data)/PG_VERSION", encoding: .utf8)) ?? ""
        let major = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...3).contains(major.count), major.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw LifeboatError.failed(
                "the restored data directory's PG_VERSION is not a version: '\(major.prefix(20))'")
        }
        return major
    }

    /// Only what a throwaway start needs; every setting that reaches outside the folder is switched off
    /// (the data directory's own postgresql.auto.conf is read, and these override it).
    static func settings(socket: String, setup: String) -> String {
        [
            "listen_addresses = ''", "port = 5432", "unix_socket_directories = '\(socket)'",
            "hba_file = '\(setup)/pg_hba.conf'", "ident_file = '\(setup)/pg_ident.conf'", "archive_mode = off",
            "archive_command = ''", "restore_command = ''", "primary_conninfo = ''", "shared_preload_libraries = ''",
            "logging_collector = off", "log_destination = 'stderr'", "fsync = off", "synchronous_commit = off",
            "hot_standby = on",
        ].joined(separator: "\n") + "\n"
    }

    /// Waits for the server to accept connections (crash recovery first), or for it to end.
    static func waitUntilReady(_ server: ProcessChild, bin: String, socket: String) throws {
        let deadline = ContinuousClock.now + startTimeout
        let runner = SystemCommandRunner()
        while ContinuousClock.now < deadline {
            if let ended = server.wait(until: .now + .milliseconds(200)) {
                throw LifeboatError.failed(
                    "the restored PostgreSQL data directory did not start: postgres \(ended): \(server.stderrSummary())"
                )
            }
            let ready = try runner.run(
                ["\(bin)/pg_isready", "-q", "-h", socket, "-p", "5432"], environment: [:],
                deadline: .now + .seconds(10))
            if ready.succeeded { return }
        }
        throw LifeboatError.failed("the restored PostgreSQL data directory did not start within 10 minutes")
    }

    /// Fast shutdown, then the whole process group killed if it does not end within 30 seconds.
    static func stop(_ server: ProcessChild) {
        server.kill(SIGINT)
        if server.wait(until: .now + .seconds(30)) == nil {
            server.kill(SIGKILL)
            server.wait()
        }
    }

    /// Stops the server a killed drill left running in `folder` (its pid noted there), if it still runs
    /// from that folder.
    static func stopLeftover(in folder: String) {
        guard let text = try? String(contentsOfFile: "\(folder)/\(serverNote)", encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
            let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"),
            cwd.hasPrefix(folder + "/")
        else { return }
        kill(pid, SIGQUIT)
    }
}
