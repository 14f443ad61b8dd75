import Foundation
import LifeboatCLI
import Logging
import Synchronization
import Testing

/// `--log-format json`: each record is one line a log shipper parses, metadata kept as structure.
@Suite struct JSONLogHandlerTests {
    static func parse(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func oneObjectPerLineWithEveryField() throws {
        let line = JSONLogHandler.line(
            time: Date(timeIntervalSince1970: 1_735_000_000.25), level: .warning, message: "chunk \"7\"\nretried",
            label: "lifeboat",
            metadata: ["policy": "orders", "attempt": .stringConvertible(3), "dest": ["onsite", "offsite"]])
        #expect(!line.contains("\n"))
        let o = try Self.parse(line)
        #expect(o["time"] as? String == "2024-12-24T00:26:40.250Z")
        #expect(o["level"] as? String == "warning")
        #expect(o["message"] as? String == "chunk \"7\"\nretried")
        #expect(o["label"] as? String == "lifeboat")
        let m = try #require(o["metadata"] as? [String: Any])
        #expect(m["policy"] as? String == "orders")
        #expect(m["attempt"] as? String == "3")
        #expect(m["dest"] as? [String] == ["onsite", "offsite"])
    }

    @Test func handlerMergesItsMetadataWithTheRecords() throws {
        let lines = Mutex<[String]>([])
        var handler = JSONLogHandler(label: "t") { line in lines.withLock { $0.append(line) } }
        handler[metadataKey: "host"] = "db1"
        handler.logLevel = .info
        let logger = Logger(label: "t") { _ in handler }
        logger.info("shipped", metadata: ["policy": "orders", "nested": ["a": "1"]])
        logger.debug("below the level: not written")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        #expect(written.first?.hasSuffix("\n") == true)
        let m = try #require(try Self.parse(written[0])["metadata"] as? [String: Any])
        #expect(m["host"] as? String == "db1")
        #expect(m["policy"] as? String == "orders")
        #expect((m["nested"] as? [String: String]) == ["a": "1"])
    }
}
