import Foundation
import LifeboatCore
import LifeboatStorage
import LifeboatTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The long-lived `rclone rcd` and the calls to it: an answer is hostile until checked (no status line,
/// not JSON, over its bound, cut short, an error status) and each such answer is a typed error saying what
/// was wrong; against a real daemon, a wrong password is refused, an unknown method is not taken for a
/// missing object, a daemon that died is replaced, and every upload of a run goes through one process.
@Suite(.serialized) struct RcloneControlTests {
    static func answer(_ status: String, _ headers: [String] = [], body: String) -> [UInt8] {
        Array((["HTTP/1.0 \(status)"] + headers).joined(separator: "\r\n").utf8) + Array("\r\n\r\n\(body)".utf8)
    }

    static func refusal(_ raw: [UInt8], limit: Int = RcloneControlCall.defaultLimit) -> RcloneControlError? {
        do {
            _ = try RcloneControlCall.parse(raw, method: "operations/stat", limit: limit)
            return nil
        } catch {
            return error
        }
    }

    @Test func aSuccessfulAnswerIsItsBody() throws {
        let body = #"{"item":null}"#
        let data = try RcloneControlCall.parse(
            Self.answer("200 OK", ["Content-Length: \(body.utf8.count)"], body: body), method: "operations/stat")
        #expect(String(decoding: data, as: UTF8.self) == body)
    }

    @Test func anAnswerThatIsNotJSONIsMalformed() throws {
        let e = try #require(Self.refusal(Self.answer("200 OK", body: "<html>hello</html>")))
        #expect(e.kind == .malformed)
        #expect(e.storageKind == .permanent)
        #expect(e.message == "operations/stat: rclone's answer is not a JSON object")
    }

    @Test func anAnswerWithoutAStatusLineIsMalformed() throws {
        let e = try #require(Self.refusal(Array("SSH-2.0-OpenSSH\r\n\r\n{}".utf8)))
        #expect(e.kind == .malformed)
        #expect(e.message.hasPrefix("operations/stat: rclone's answer has no HTTP status line: SSH-2.0-OpenSSH"))
        let none = try #require(Self.refusal([]))
        #expect(none.kind == .unreachable, "a connection closed before any answer may be tried again")
    }

    @Test func anAnswerOverItsBoundIsRefused() throws {
        let body = "{\"list\":[" + String(repeating: " ", count: 5000) + "]}"
        let e = try #require(Self.refusal(Self.answer("200 OK", body: body), limit: 4096))
        #expect(e.kind == .malformed)
        #expect(e.message == "operations/stat: rclone's answer is over 4096 bytes")
    }

    @Test func anAnswerCutShortIsTransient() throws {
        let e = try #require(Self.refusal(Self.answer("200 OK", ["Content-Length: 40"], body: #"{"item":"#)))
        #expect(e.kind == .unreachable)
        #expect(e.storageKind == .transient)
        #expect(e.message == "operations/stat: rclone's answer ended after 8 of 40 bytes")
    }

    @Test func anErrorStatusCarriesRclonesReasonPrintably() throws {
        let body = #"{"error":"couldn't connect SSH: connection refused\u001b[2J","status":500}"#
        let e = try #require(Self.refusal(Self.answer("500 Internal Server Error", body: body)))
        #expect(e.kind == .status(500))
        #expect(e.storageKind == .transient)
        #expect(
            e.message == "operations/stat: rclone answered HTTP 500: couldn't connect SSH: connection refused\\u{1B}[2J"
        )
        let missing = try #require(
            Self.refusal(Self.answer("404 Not Found", body: #"{"error":"object not found","status":404}"#)))
        #expect(missing.storageKind == .notFound)
        let denied = try #require(
            Self.refusal(Self.answer("500 Internal Server Error", body: #"{"error":"sftp: permission denied"}"#)))
        #expect(denied.storageKind == .permanent)
        let bare = try #require(Self.refusal(Self.answer("502 Bad Gateway", body: "")))
        #expect(bare.kind == .status(502))
        #expect(bare.message == "operations/stat: rclone answered HTTP 502")
    }

    // MARK: - Against a real rclone rcd

    static func localDaemon(_ dir: TemporaryDirectory) async throws -> (RcloneDaemon, String) {
        let config = dir.file("rclone.conf")
        try "[disk]\ntype = local\n".write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        return (
            try await RcloneDaemon.shared(binary: RcloneDestinationTests.binary, config: config, flags: ["--rc-serve"]),
            config
        )
    }

    @Test func theDaemonListensOnAPrivateSocketAndRefusesAWrongPassword() async throws {
        let dir = try TemporaryDirectory()
        let (daemon, _) = try await Self.localDaemon(dir)
        defer { daemon.stop() }
        var info = stat()
        #expect(stat(daemon.folder, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        // Its password is in its environment, not on its command line for every user to read.
        let command = try String(contentsOfFile: "/proc/\(daemon.pid)/cmdline", encoding: .utf8)
        #expect(!command.contains("rc-pass"), "\(command)")
        let stranger = RcloneControlCall(socket: daemon.control.socket, user: "lifeboat", password: "guess")
        do {
            _ = try await stranger.call("operations/stat", ["fs": dir.file("root"), "remote": "x"])
            Issue.record("a call with the wrong password must be refused")
        } catch {
            #expect(error.kind == .status(401), "\(error)")
            #expect(error.storageKind == .permanent)
        }
        // Reads it serves (`--rc-serve`) are held to the same password.
        try FileManager.default.createDirectory(atPath: dir.file("root"), withIntermediateDirectories: true)
        try "secret".write(toFile: dir.file("root/x"), atomically: false, encoding: .utf8)
        var read: [UInt8] = []
        await #expect {
            _ = try await RcloneServedRead.read(stranger, fs: dir.file("root"), key: "x", offset: 0) { read += $0 }
        } throws: { ($0 as? RcloneControlError)?.kind == .status(401) }
        #expect(read.isEmpty)
        _ = try await RcloneServedRead.read(daemon.control, fs: dir.file("root"), key: "x", offset: 0) { read += $0 }
        #expect(read == Array("secret".utf8))
    }

    @Test func anUnknownMethodIsNotAMissingObject() async throws {
        let dir = try TemporaryDirectory()
        let (daemon, _) = try await Self.localDaemon(dir)
        defer { daemon.stop() }
        do {
            _ = try await daemon.control.call("operations/nothing-of-the-sort", [:])
            Issue.record("an unknown method must fail")
        } catch {
            #expect(error.kind == .unknownMethod, "\(error)")
            #expect(error.storageKind == .permanent)
        }
    }

    @Test func aListingOverItsBoundIsRefused() async throws {
        let dir = try TemporaryDirectory()
        let (daemon, _) = try await Self.localDaemon(dir)
        defer { daemon.stop() }
        try FileManager.default.createDirectory(atPath: dir.file("root"), withIntermediateDirectories: true)
        for i in 0..<50 { try Data([1]).write(to: URL(fileURLWithPath: dir.file("root/object-\(i)"))) }
        do {
            _ = try await daemon.control.call(
                "operations/list", ["fs": "disk:" + dir.file("root"), "remote": ""], limit: 1000)
            Issue.record("an answer over its bound must be refused")
        } catch {
            #expect(error.kind == .malformed, "\(error)")
            #expect(error.message.contains("over 1000 bytes"), "\(error)")
        }
    }

    @Test func aDaemonThatDiedIsReplacedAndOneServesManyUploads() async throws {
        let dir = try TemporaryDirectory()
        let config = dir.file("rclone.conf")
        try "[disk]\ntype = local\n".write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        let binary = RcloneDestinationTests.binary
        let d = RcloneDestination(name: "disk", remote: "disk:" + dir.file("root"), config: config, binary: binary)
        let replacement = try await RcloneDaemon.withOwnDaemons {
            let source = dir.file("chunk")
            try Data([7, 7, 7]).write(to: URL(fileURLWithPath: source))
            try await d.put("h/p/id/data.000000", fromFile: source)
            let first = try await RcloneDaemon.shared(binary: binary, config: config, flags: d.daemonFlags)
            for i in 1..<8 { try await d.put("h/p/id/data.00000\(i)", fromFile: source) }
            // Eight uploads, the same one daemon.
            let again = try await RcloneDaemon.shared(binary: binary, config: config, flags: d.daemonFlags)
            #expect(again.pid == first.pid)
            #expect(first.isRunning)
            #expect(try await d.list(prefix: "h/p/id/").count == 8)
            kill(first.pid, SIGKILL)
            while first.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            try await d.put("h/p/id/data.000009", fromFile: source)
            let replacement = try await RcloneDaemon.shared(binary: binary, config: config, flags: d.daemonFlags)
            #expect(replacement.pid != first.pid)
            #expect(try await d.size("h/p/id/data.000009") == 3)
            return replacement
        }
        // The scope's end stopped its daemon and removed its folder.
        #expect(!replacement.isRunning)
        #expect(!FileManager.default.fileExists(atPath: replacement.folder))
    }
}
