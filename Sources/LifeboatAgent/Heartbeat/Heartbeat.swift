import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Pings a dead man's switch (healthchecks.io and the like): GET the URL after a successful run,
/// `<url>/fail` after a failed one. A heartbeat that cannot be delivered is logged and never fails the run.
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

    /// The URL pinged for a run's outcome.
    package func target(success: Bool) -> String {
        if success { return url }
        return (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/fail"
    }

    /// Sends the ping; returns the HTTP status, or nil when it could not be delivered (already logged).
    @discardableResult
    package func send(success: Bool, logger: Logger) async -> Int? {
        let target = target(success: success)
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
        let code = await deliver(target, client: client, limit: limit, logger: logger)
        try? await client.shutdown()
        return code
    }

    private func deliver(_ target: String, client: HTTPClient, limit: TimeAmount, logger: Logger) async -> Int? {
        var request = HTTPClientRequest(url: target)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: "lifeboat")
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
