import LifeboatCLI
import LifeboatCore
import Logging
import Synchronization
import Testing

/// The last log lines a failure's heartbeat carries: kept from info up whatever level is shown.
@Suite struct TailingLogHandlerTests {
    @Test func keepsInfoLinesTheOperatorDoesNotSeeAndShowsOnlyTheChosenLevel() {
        let shown = Mutex<[String]>([])
        var inner = JSONLogHandler(label: "t") { line in shown.withLock { $0.append(line) } }
        inner.logLevel = .warning
        let tail = LogTail(capacity: 3)
        let logger = Logger(label: "t") { _ in TailingLogHandler(inner, tail: tail) }
        logger.debug("not kept")
        logger.info("dumping orders")
        logger.warning("retrying chunk 3")
        #expect(shown.withLock { $0.count } == 1)
        #expect(tail.lines.count == 2)
        #expect(tail.lines[0].hasSuffix(" info dumping orders"))
        #expect(tail.lines[1].hasSuffix(" warning retrying chunk 3"))
    }

    @Test func tailKeepsOnlyTheLastLines() {
        let tail = LogTail(capacity: 3)
        for i in 1...5 { tail.append("line \(i)") }
        #expect(tail.lines == ["line 3", "line 4", "line 5"])
    }
}
