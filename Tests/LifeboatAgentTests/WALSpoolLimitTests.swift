import LifeboatAgent
import LifeboatCore
import Testing

/// wal-push refuses a new file only once the spool already holds spool_max, with one line naming the
/// limit, what the spool holds and the file, and the exit code PostgreSQL retries on.
@Suite struct WALSpoolLimitTests {
    @Test func roomLeftIsNoRefusal() {
        #expect(WALSpoolLimit.refusal(file: "000000010000000000000005", used: 0, limit: 1024) == nil)
        #expect(WALSpoolLimit.refusal(file: "000000010000000000000005", used: 1023, limit: 1024) == nil)
    }

    @Test func aFullSpoolRefusesWithExit1NamingTheLimitAndTheFile() throws {
        let e = try #require(WALSpoolLimit.refusal(file: "000000010000000000000005", used: 2048, limit: 1024))
        #expect(e.kind == .failed)
        let text = e.description
        #expect(!text.contains("\n"), "one line: \(text)")
        #expect(text.contains("spool_max 1KiB reached"))
        #expect(text.contains("the spool holds 2KiB"))
        #expect(text.contains("000000010000000000000005 is not archived"))
    }
}
