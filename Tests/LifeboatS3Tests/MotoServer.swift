import Foundation
import LifeboatCore
import LifeboatS3
import LifeboatStorage
import LifeboatTestSupport

/// One moto_server for the whole test process, started by scripts/servers/moto.sh on a free port and
/// stopped when the process exits. Each test takes its own bucket.
final class MotoServer: @unchecked Sendable {
    let port: Int
    let dir: TemporaryDirectory
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/servers/moto.sh").path

    nonisolated(unsafe) static var started: MotoServer?
    static let lock = NSLock()

    static func shared() throws -> MotoServer {
        lock.lock()
        defer { lock.unlock() }
        if let s = started { return s }
        let s = try MotoServer()
        started = s
        atexit {
            if let s = MotoServer.started { _ = MotoServer.spawn(["bash", MotoServer.script, "stop", s.dir.path]) }
        }
        return s
    }

    private init() throws {
        dir = try TemporaryDirectory(prefix: "moto")
        let status = Self.spawn(["bash", Self.script, "start", dir.path])
        let text = (try? String(contentsOfFile: dir.file("moto.port"), encoding: .utf8)) ?? ""
        guard status == 0, let p = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            let log = (try? String(contentsOfFile: dir.file("moto.log"), encoding: .utf8)) ?? ""
            throw StorageError(.permanent, destination: "moto", "moto_server did not start: \(log)")
        }
        port = p
    }

    /// Runs a program to its end with a clean signal mask (Foundation's Process leaves signals blocked in
    /// the child, so a server it starts could not be stopped with SIGTERM) and returns its exit status.
    static func spawn(_ argv: [String]) -> Int32 {
        var spawner = ProcessSpawner(["/usr/bin/env"] + argv)
        spawner.stdin = .null
        spawner.stdout = .null
        spawner.clearSignalMask = true
        spawner.signalDefaults = .all
        guard let child = try? spawner.spawn() else { return -1 }
        return (child.waitStatus() >> 8) & 0xff
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// A destination on a new bucket of its own.
    func destination(
        name: String = "s3", prefix: String = "", transport: S3Transport = HTTPClientTransport(),
        threshold: Int64 = 64 << 20, partRetrier: Retrier? = nil, objectLock: S3ObjectLock? = nil,
        lockedBucket: Bool = false
    ) async throws -> S3Destination {
        let bucket = "t-" + UUID().uuidString.lowercased().prefix(12)
        var settings = S3Settings(
            endpoint: endpoint, bucket: String(bucket), prefix: prefix, multipartThreshold: threshold,
            partSize: 5 << 20)
        settings.objectLock = objectLock
        let d = try S3Destination(
            name: name, settings: settings,
            credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing"), transport: transport,
            partRetrier: partRetrier)
        try await d.createBucket(objectLock: lockedBucket)
        return d
    }
}

/// A transport that passes requests on to a real one, and lets a test script faults by request.
final class ScriptedTransport: S3Transport, @unchecked Sendable {
    enum Fault {
        case status(Int, String)
        case connectionReset
        /// Deliver this many body bytes, then fail as a connection cut.
        case cutBodyAfter(Int)
    }

    let next: S3Transport
    private let lock = NSLock()
    private var rules: [(match: (S3HTTPRequest) -> Bool, fault: Fault, remaining: Int)] = []
    private(set) var log: [String] = []

    init(next: S3Transport = HTTPClientTransport()) { self.next = next }

    func fail(times: Int, _ fault: Fault, when match: @escaping (S3HTTPRequest) -> Bool) {
        lock.lock()
        rules.append((match, fault, times))
        lock.unlock()
    }

    var requests: [String] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    func send(_ request: S3HTTPRequest, onBody: (UnsafeRawBufferPointer) throws -> Void) async throws -> S3HTTPResponse
    {
        let fault: Fault? = lock.withLock {
            log.append("\(request.method) \(request.url)")
            guard let i = rules.firstIndex(where: { $0.remaining > 0 && $0.match(request) }) else { return nil }
            rules[i].remaining -= 1
            return rules[i].fault
        }
        switch fault {
        case .status(let code, let body)?:
            return S3HTTPResponse(status: code, headers: [], errorBody: Array(body.utf8))
        case .connectionReset?:
            throw S3TransportError(retryable: true, "connection failed: connection reset by peer")
        case .cutBodyAfter(let n)?:
            var sent = 0
            _ = try await next.send(request) { bytes in
                guard sent < n else { return }
                let take = min(n - sent, bytes.count)
                try onBody(UnsafeRawBufferPointer(rebasing: bytes[0..<take]))
                sent += take
            }
            throw S3TransportError(retryable: true, "connection failed: the body was cut short")
        case nil:
            return try await next.send(request, onBody: onBody)
        }
    }
}

func s3Error(_ code: String, _ message: String) -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>\(message)</Message></Error>"
}
