import Foundation
import LifeboatCore
import LifeboatStorage
import LifeboatTestSupport
import Testing

/// The rclone destination against the real rclone binary: its local backend, SFTP to a real OpenSSH sshd
/// and `rclone serve webdav`, each held to the suite every destination passes, and its failures.
@Suite(.serialized) struct RcloneDestinationTests {
    static let binary = ScriptedServer.rcloneBinary()

    /// A config for rclone's local backend (remote `disk`) in a private file.
    static func localRemote(_ dir: TemporaryDirectory) throws -> (remote: String, config: String) {
        let config = dir.file("rclone.conf")
        try "[disk]\ntype = local\n".write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        return ("disk:" + dir.file("root"), config)
    }

    @Test func passesTheDestinationSuiteOnTheLocalBackend() async throws {
        let dir = try TemporaryDirectory()
        let (remote, config) = try Self.localRemote(dir)
        try await DestinationSuite.run(
            RcloneDestination(name: "disk", remote: remote, config: config, binary: Self.binary))
    }

    @Test func passesTheDestinationSuiteOverSFTP() async throws {
        let sshd = try ScriptedServer("sshd")
        let root = sshd.dir.file("stored")
        try await DestinationSuite.run(
            RcloneDestination(
                name: "sftp", remote: "sftp:" + root, config: sshd.dir.file("rclone.conf"), binary: Self.binary))
    }

    @Test func passesTheDestinationSuiteOverWebDAV() async throws {
        let dav = try ScriptedServer("webdav")
        try await DestinationSuite.run(
            RcloneDestination(
                name: "dav", remote: "dav:backups", config: dav.dir.file("rclone.conf"), binary: Self.binary))
        // What the suite wrote went through the server into its folder, not anywhere else.
        #expect(FileManager.default.fileExists(atPath: dav.dir.file("served/backups/h/p")))
    }

    @Test func aStoppedServerIsATransientFailureAndItsReturnIsSeen() async throws {
        let sshd = try ScriptedServer("sshd")
        var d = RcloneDestination(
            name: "sftp", remote: "sftp:" + sshd.dir.file("stored"), config: sshd.dir.file("rclone.conf"),
            binary: Self.binary)
        d.connectTimeout = 2
        try await d.put("h/p/id/data.000000", bytes: [1, 2, 3])
        sshd.stop()
        do {
            try await d.put("h/p/id/data.000001", bytes: [4])
            Issue.record("an upload to a stopped server must fail")
        } catch let e as StorageError {
            #expect(e.kind == .transient, "\(e)")
            #expect(e.description.contains("destination sftp: upload h/p/id/data.000001"), "\(e)")
            #expect(e.description.contains("connection refused"), "\(e)")
        }
        await #expect(throws: StorageError.self) { _ = try await d.size("h/p/id/data.000000") }
        sshd.start()
        try await d.put("h/p/id/data.000001", bytes: [4])
        #expect(try await d.readAll("h/p/id/data.000001") == [4])
    }

    @Test func aRemoteTheConfigDoesNotDefineIsPermanent() async throws {
        let dir = try TemporaryDirectory()
        let (_, config) = try Self.localRemote(dir)
        let d = RcloneDestination(name: "x", remote: "nowhere:/x", config: config, binary: Self.binary)
        do {
            try await d.put("h/p/id/data.000000", bytes: [1])
            Issue.record("an unknown remote must fail")
        } catch let e as StorageError {
            #expect(e.kind == .permanent, "\(e)")
            #expect(e.description.contains("didn't find section in config file"), "\(e)")
        }
    }

    @Test func aMissingBinaryIsPermanentAndNamed() async throws {
        let dir = try TemporaryDirectory()
        let (remote, config) = try Self.localRemote(dir)
        let d = RcloneDestination(name: "disk", remote: remote, config: config, binary: dir.file("no-rclone"))
        do {
            _ = try await d.size("h/p/id/manifest.json")
            Issue.record("a missing binary must fail")
        } catch let e as StorageError {
            #expect(e.kind == .permanent)
            #expect(e.description.contains("cannot run \(dir.file("no-rclone"))"), "\(e)")
        }
    }

    @Test func refusesKeysThatEscapeTheRemote() async throws {
        let dir = try TemporaryDirectory()
        let (remote, config) = try Self.localRemote(dir)
        let d = RcloneDestination(name: "disk", remote: remote, config: config, binary: Self.binary)
        for key in ["../x", "/etc/passwd", "a/../../x", "a//b", ""] {
            await #expect(throws: StorageError.self) { try await d.put(key, bytes: [1]) }
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("x")))
    }

    @Test func putFromAFileAndRemovingTheLastObjectRemovesItsFolder() async throws {
        let dir = try TemporaryDirectory()
        let (remote, config) = try Self.localRemote(dir)
        let d = RcloneDestination(name: "disk", remote: remote, config: config, binary: Self.binary)
        let source = dir.file("chunk")
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: source))
        try await d.put("h/p/id1/data.000000", fromFile: source)
        try await d.put("h/p/id2/data.000000", bytes: [9])
        #expect(try await d.readAll("h/p/id1/data.000000") == bytes)
        try await d.remove("h/p/id1/data.000000")
        #expect(!FileManager.default.fileExists(atPath: dir.file("root/h/p/id1")))
        #expect(FileManager.default.fileExists(atPath: dir.file("root/h/p/id2")))
        #expect(try await d.list(prefix: "h/") == ["h/p/id2/data.000000"])
    }

    @Test func aCancelledReadEndsAtOnceAndTheDaemonServesTheNext() async throws {
        let dir = try TemporaryDirectory()
        let (remote, config) = try Self.localRemote(dir)
        // A read that never ends: a FIFO that nothing writes keeps the daemon's GET waiting.
        try FileManager.default.createDirectory(atPath: dir.file("root/h/p/id"), withIntermediateDirectories: true)
        #expect(mkfifo(dir.file("root/h/p/id/data.000000"), 0o600) == 0)
        let d = RcloneDestination(name: "disk", remote: remote, config: config, binary: Self.binary)
        try await RcloneDaemon.withOwnDaemons {
            let task = Task { try await d.read("h/p/id/data.000000", offset: 0) { _ in } }
            try await Task.sleep(for: .seconds(2))
            #expect(Self.rcloneChildren().isEmpty, "a read starts no rclone process of its own")
            let cancelled = Date()
            task.cancel()
            let result = await task.result
            #expect(throws: (any Error).self) { try result.get() }
            #expect(Date().timeIntervalSince(cancelled) < 5)
            try await d.put("h/p/id2/data.000000", bytes: [1, 2, 3])
            #expect(try await d.readAll("h/p/id2/data.000000") == [1, 2, 3])
        }
    }

    @Test func aRangedReadStartsAtItsByteAndAMissingObjectIsNotFound() async throws {
        let dir = try TemporaryDirectory()
        let (remote, config) = try Self.localRemote(dir)
        let d = RcloneDestination(name: "disk", remote: remote, config: config, binary: Self.binary)
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 9) }
        try await RcloneDaemon.withOwnDaemons {
            try await d.put("h/p/id/data.000001", bytes: bytes)
            var tail: [UInt8] = []
            let n = try await d.read("h/p/id/data.000001", offset: 2_999_000) { tail += $0 }
            #expect(n == 1000 && tail == Array(bytes[2_999_000...]))
            await #expect {
                try await d.read("h/p/id/data.000009", offset: 0) { _ in }
            } throws: { ($0 as? StorageError)?.isNotFound == true }
        }
    }

    @Test func anAnswerHeadIsCheckedBeforeItsBodyIsRead() throws {
        let head = try RcloneServedRead.parseHead(
            Array("HTTP/1.0 206 Partial Content\r\nContent-Length: 10\r\nContent-Range: bytes 5-14/15".utf8),
            method: "read k")
        #expect(head.status == 206 && head.contentLength == 10 && head.rangeStart == 5)
        for bad in [
            "SSH-2.0-OpenSSH", "HTTP/1.0 200 OK\r\nContent-Length: -1", "HTTP/1.0 200 OK\r\nContent-Length: ten",
            "HTTP/1.0 206 x\r\nContent-Range: items 1-2/3",
        ] {
            #expect(throws: RcloneControlError.self) {
                try RcloneServedRead.parseHead(Array(bad.utf8), method: "read k")
            }
        }
        #expect(RcloneServedRead.request(fs: "a]b:", key: "k", offset: 0, authorization: "x") == nil)
        let request = String(
            decoding: try #require(
                RcloneServedRead.request(fs: "sftp:/srv/it's here", key: "h/p/d", offset: 7, authorization: "Basic x")),
            as: UTF8.self)
        #expect(request.hasPrefix("GET /[sftp:/srv/it%27s%20here]/h/p/d HTTP/1.0\r\n"))
        #expect(request.contains("\r\nRange: bytes=7-\r\n"))
    }

    /// The pids of this process's rclone children, but for the long-lived `rclone rcd`s.
    static func rcloneChildren() -> [pid_t] {
        let me = getpid()
        let procs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return procs.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return fields.count > 1 && Int32(fields[1]) == me && stat.contains("(rclone)")
                && !command.split(separator: "\u{0}").contains("rcd")
        }
    }
}
