import Foundation
import LifeboatAgent
import Logging
import Testing

/// Collects every message logged through it.
final class CollectingLogHandler: LogHandler, @unchecked Sendable {
    /// The lines logged, shared between copies of the handler.
    final class Store: @unchecked Sendable {
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
    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    init(_ store: Store) { self.store = store }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        store.add(message.description)
    }
}

/// A heartbeat URL's path is the check's secret token (whoever has it can report a run that never
/// happened): a failed ping is logged with the scheme and host only.
@Suite(.serialized) struct HeartbeatRedactionTests {
    @Test func aFailedPingDoesNotLogTheToken() async throws {
        let closed = try TinyHTTPListener()
        let port = closed.port
        closed.stop()
        let store = CollectingLogHandler.Store()
        let logger = Logger(label: "t") { _ in CollectingLogHandler(store) }
        let url = "http://127.0.0.1:\(port)/ping/3f9a1c7e-secret-token"
        #expect(await Heartbeat(url: url, timeout: 2).send(success: false, logger: logger) == nil)
        #expect(!store.all.isEmpty)
        #expect(store.all.allSatisfy { !$0.contains("secret-token") }, "\(store.all)")
        #expect(store.all.contains { $0.contains("http://127.0.0.1:\(port)/…") }, "\(store.all)")
    }

    @Test func anErrorAnswerDoesNotLogTheTokenEither() async throws {
        #expect(Heartbeat.redacted("https://hc-ping.com/abc-def") == "https://hc-ping.com/…")
        #expect(Heartbeat.redacted("not a url") == "the heartbeat URL")
    }
}
