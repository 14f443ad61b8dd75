import Foundation
import LifeboatAgent
import LifeboatCore
import Logging
import Testing

/// A one-shot HTTP listener on 127.0.0.1: accepts connections, records each request line, answers 200
/// (or nothing, when `silent`).
final class TinyHTTPListener: @unchecked Sendable {
    /// The request lines seen, shared with the accepting thread.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ s: String) {
            lock.lock()
            lines.append(s)
            lock.unlock()
        }
        var all: [String] {
            lock.lock()
            defer { lock.unlock() }
            return lines
        }
    }

    let fd: Int32
    let port: UInt16
    let log = Log()
    var requests: [String] { log.all }

    init(silent: Bool = false) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, len) }
        }
        guard bound == 0, listen(sock, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &len) }
        }
        fd = sock
        port = UInt16(bigEndian: addr.sin_port)
        let listener = fd
        let log = self.log
        Thread.detachNewThread {
            while true {
                let c = accept(listener, nil, nil)
                if c < 0 { return }
                var buf = [UInt8](repeating: 0, count: 4096)
                let n = read(c, &buf, buf.count)
                if n > 0, let first = String(decoding: buf[0..<n], as: UTF8.self).split(separator: "\r\n").first {
                    log.add(String(first))
                }
                if silent {
                    Thread.sleep(forTimeInterval: 3)
                    close(c)
                    continue
                }
                let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK".utf8)
                _ = write(c, reply, reply.count)
                close(c)
            }
        }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

@Suite(.serialized) struct HeartbeatTests {
    var logger: Logger {
        var l = Logger(label: "t")
        l.logLevel = .critical
        return l
    }

    @Test func pingsTheURLOnSuccessAndSlashFailOnFailure() async throws {
        let server = try TinyHTTPListener()
        defer { server.stop() }
        let hb = Heartbeat(url: "http://127.0.0.1:\(server.port)/ping/abc", timeout: 5)
        #expect(await hb.send(success: true, logger: logger) == 200)
        #expect(await hb.send(success: false, logger: logger) == 200)
        #expect(server.requests == ["GET /ping/abc HTTP/1.1", "GET /ping/abc/fail HTTP/1.1"])
        #expect(Heartbeat(url: "http://x/p/").target(success: false) == "http://x/p/fail")
    }

    @Test func anUnreachableOrSilentEndpointIsLoggedNotThrown() async throws {
        let closed = try TinyHTTPListener()
        let port = closed.port
        closed.stop()
        #expect(
            await Heartbeat(url: "http://127.0.0.1:\(port)/x", timeout: 2).send(success: true, logger: logger) == nil)
        let silent = try TinyHTTPListener(silent: true)
        defer { silent.stop() }
        let start = Date()
        #expect(
            await Heartbeat(url: "http://127.0.0.1:\(silent.port)/x", timeout: 1).send(success: true, logger: logger)
                == nil)
        #expect(Date().timeIntervalSince(start) < 5)
    }
}

/// The healthchecks-style pings: where each goes, and what a failure carries.
@Suite struct HeartbeatPingTests {
    @Test func eachPingHasItsURL() {
        let hb = Heartbeat(url: "https://hc.example/ping/abc/")
        #expect(hb.target(for: .start) == "https://hc.example/ping/abc/start")
        #expect(hb.target(for: .success) == "https://hc.example/ping/abc/")
        #expect(hb.target(for: .failure(body: "x")) == "https://hc.example/ping/abc/fail")
    }

    @Test func failureBodyHasTheResultsThenTheLastLogLines() {
        let tail = LogTail(capacity: 5)
        tail.append("2026-11-29T17:00:00Z info dumping orders")
        let body = Heartbeat.failureBody(["orders - failed: pg_dump exited 1"], tail: tail)
        #expect(
            body == "orders - failed: pg_dump exited 1\n\nlast log lines:\n2026-11-29T17:00:00Z info dumping orders\n")
        #expect(Heartbeat.failureBody([], tail: LogTail(capacity: 1)) == "\n")
    }
}
