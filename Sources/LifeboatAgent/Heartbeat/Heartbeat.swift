import AsyncHTTPClient
import Foundation
import LifeboatCore
import Logging
import NIOCore

/// Pings a dead man's switch (healthchecks.io and the like), as healthchecks.io reads it: `<url>/start`
/// when the work begins (so the check can time it and tell "late" from "stuck"), GET the URL after a
/// success, and POST `<url>/fail` after a failure, with the last log lines as the body so the alert says
/// why. A heartbeat that cannot be delivered is logged and never fails the run.
///
/// It speaks HTTP through AsyncHTTPClient, the client the S3 destination already uses, so the binary
/// does not load Foundation's URLSession stack (libcurl and its TLS and Kerberos libraries) at start-up.
package struct Heartbeat: Sendable {
    package let url: String
    package let timeout: TimeInterval

    package init(url: String, timeout: TimeInterval = 10) {
        self.url = url
        self.timeout = timeout
    }

    /// What logs say instead of the URL, whose path and query are the check's secret token:
    /// `https://hc-ping.com/…`.
    package static func redacted(_ url: String) -> String {
        guard let u = URL(string: url), let scheme = u.scheme, let host = u.host else { return "the heartbeat URL" }
        return "\(scheme)://\(host)\(u.port.map { ":\($0)" } ?? "")/…"
    }

    /// What a ping says.
    package enum Ping: Sendable, Equatable {
        /// The work begins.
        case start
        case success
        /// The work failed; `body` (the last log lines) is POSTed.
        case failure(body: String)
    }

    /// The most a failure's body carries (healthchecks.io keeps the first 100 KB).
    package static let maximumBody = 10_000

    /// What a `/fail` ping carries: the result lines that failed, then the last log lines of the process.
    package static func failureBody(_ results: [String], tail: LogTail = .shared) -> String {
        var lines = results
        let logged = tail.lines
        if !logged.isEmpty { lines += ["", "last log lines:"] + logged }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The URL pinged for a run's outcome.
    package func target(success: Bool) -> String {
        target(for: success ? .success : .failure(body: ""))
    }

    /// The URL of each ping: the URL itself for success, `<url>/start`, `<url>/fail`.
    package func target(for ping: Ping) -> String {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        switch ping {
        case .success: return url
        case .start: return base + "/start"
        case .failure: return base + "/fail"
        }
    }

    /// Sends the ping for a run's outcome (a failure without a body).
    @discardableResult
    package func send(success: Bool, logger: Logger) async -> Int? {
        await send(success ? .success : .failure(body: ""), logger: logger)
    }

    /// Sends the ping; returns the HTTP status, or nil when it could not be delivered (already logged).
    @discardableResult
    package func send(_ ping: Ping, logger: Logger) async -> Int? {
        let target = target(for: ping)
        guard let u = URL(string: target), let scheme = u.scheme?.lowercased(), scheme == "http" || scheme == "https",
            u.host != nil
        else {
            logger.warning("heartbeat: the configured heartbeat_url is not an http(s) URL")
            return nil
        }
        let limit = TimeAmount.milliseconds(Int64(max(0.001, timeout) * 1000))
        var config = HTTPClient.Configuration()
        config.timeout = .init(connect: limit, read: limit)
        config.redirectConfiguration = .follow(max: 3, allowCycles: false)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        var body: String?
        if case .failure(let text) = ping, !text.isEmpty {
            body = String(decoding: Array(text.utf8.suffix(Self.maximumBody)), as: UTF8.self)
        }
        let code = await deliver(target, body: body, client: client, limit: limit, logger: logger)
        try? await client.shutdown()
        return code
    }

    private func deliver(_ target: String, body: String?, client: HTTPClient, limit: TimeAmount, logger: Logger)
        async -> Int?
    {
        var request = HTTPClientRequest(url: target)
        request.method = body == nil ? .GET : .POST
        request.headers.add(name: "User-Agent", value: "lifeboat")
        if let body {
            request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            request.body = .bytes(ByteBuffer(string: body))
        }
        do {
            let response = try await client.execute(request, timeout: limit)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            if !(200..<300).contains(code) {
                logger.warning("heartbeat \(Self.redacted(target)) answered HTTP \(code)")
            }
            return code
        } catch {
            logger.warning(
                "heartbeat \(Self.redacted(target)) not delivered: \(String(describing: error).replacingOccurrences(of: target, with: Self.redacted(target)))"
            )
            return nil
        }
    }
}
