import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging

/// Pings a dead man's switch (healthchecks.io and the like): GET the URL after a successful run,
/// `<url>/fail` after a failed one. A heartbeat that cannot be delivered is logged and never fails the run.
public struct Heartbeat: Sendable {
    public let url: String
    public let timeout: TimeInterval

    public init(url: String, timeout: TimeInterval = 10) {
        self.url = url
        self.timeout = timeout
    }

    /// The URL pinged for a run's outcome.
    public func target(success: Bool) -> String {
        if success { return url }
        return (url.hasSuffix("/") ? String(url.dropLast()) : url) + "/fail"
    }

    /// Sends the ping; returns the HTTP status, or nil when it could not be delivered (already logged).
    @discardableResult
    public func send(success: Bool, logger: Logger) async -> Int? {
        let target = target(success: success)
        guard let u = URL(string: target) else {
            logger.warning("heartbeat: '\(target)' is not a URL")
            return nil
        }
        var request = URLRequest(url: u, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "GET"
        request.setValue("lifeboat", forHTTPHeaderField: "User-Agent")
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: config)
        defer { session.finishTasksAndInvalidate() }
        let result: (Int?, String?) = await withCheckedContinuation { cont in
            session.dataTask(with: request) { _, response, error in
                if let error {
                    cont.resume(returning: (nil, error.localizedDescription))
                } else {
                    cont.resume(returning: ((response as? HTTPURLResponse)?.statusCode, nil))
                }
            }.resume()
        }
        if let reason = result.1 {
            logger.warning("heartbeat \(target) not delivered: \(reason)")
            return nil
        }
        if let code = result.0, !(200..<300).contains(code) {
            logger.warning("heartbeat \(target) answered HTTP \(code)")
        }
        return result.0
    }
}
