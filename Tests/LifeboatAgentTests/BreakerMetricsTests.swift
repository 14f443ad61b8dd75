import Foundation
import LifeboatAgent
import LifeboatTestSupport
import Testing

@Suite(.serialized) struct BreakerMetricsTests {
    @Test func theTextfileShowsAnOpenBreakerAfterABackup() async throws {
        let f = try AgentFixture()
        try f.writeConfig(extra: "metrics_textfile: state/lb.prom\n")
        _ = try await f.backUp()
        let ctx = try f.context()
        try ctx.catalog.updateBreaker("local:" + f.dir.file("second"), at: f.clock) { row in
            row.phase = "open"
            row.failures = 5
        }
        MetricsTextfile.refresh(ctx)
        let text = try String(contentsOfFile: f.dir.file("state/lb.prom"), encoding: .utf8)
        #expect(
            text.contains("lifeboat_destination_breaker_state{policy=\"tree\",destination=\"second\"} 2")
        )
        #expect(
            text.contains(
                "lifeboat_destination_breaker_state{policy=\"tree\",destination=\"first\"} 0"))
        #expect(text.contains("lifeboat_destination_up{policy=\"tree\",destination=\"first\"} 1"))
    }
}
