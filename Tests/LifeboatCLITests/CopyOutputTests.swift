import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCore
import Testing

/// `copy --json` and copy's lines: every field present (null where there is nothing to say), one
/// object per backup, and a line that names what went wrong.
@Suite struct CopyOutputTests {
    static func outcome(_ result: CopyOutcome.Result, error: String? = nil) throws -> CopyOutcome {
        let id = try #require(BackupID("20260101T020000Z-abcdef"))
        var o = CopyOutcome(policy: "tree", id: id, from: "nas", to: "offsite")
        o.result = result
        o.chunks = 3
        o.chunksSent = result == .copied ? 2 : 0
        o.chunksPresent = result == .failed ? 0 : 3 - o.chunksSent
        o.bytesSent = result == .copied ? 2_097_152 : 0
        o.seconds = 1.23456
        o.error = error
        return o
    }

    @Test func jsonHasOneObjectPerBackupWithEveryField() throws {
        let text = try CopyOutput.json([
            try Self.outcome(.copied), try Self.outcome(.failed, error: "data.000001 is damaged"),
        ])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        let keys: Set = [
            "policy", "id", "from", "to", "status", "chunks", "chunks_sent", "chunks_present", "bytes_sent", "seconds",
            "error",
        ]
        #expect(parsed.allSatisfy { Set($0.keys) == keys })
        #expect(parsed[0]["status"] as? String == "copied")
        #expect(parsed[0]["error"] is NSNull)
        #expect(parsed[0]["seconds"] as? Double == 1.235)
        #expect(parsed[0]["bytes_sent"] as? Int == 2_097_152)
        #expect(parsed[1]["status"] as? String == "failed")
        #expect(parsed[1]["error"] as? String == "data.000001 is damaged")
        #expect(try CopyOutput.json([]).filter { !$0.isWhitespace } == "[]")
    }

    @Test func linesSayWhatHappened() throws {
        #expect(
            CopyOutput.line(try Self.outcome(.copied))
                == "tree 20260101T020000Z-abcdef nas -> offsite: copied (2 of 3 chunks sent, 2.0 MiB, 1.2 s)")
        #expect(
            CopyOutput.line(try Self.outcome(.present))
                == "tree 20260101T020000Z-abcdef nas -> offsite: already there (3 chunks, nothing sent)")
        #expect(
            CopyOutput.line(try Self.outcome(.failed, error: "manifest refused: x"))
                == "tree 20260101T020000Z-abcdef nas -> offsite: FAILED: manifest refused: x")
    }
}
