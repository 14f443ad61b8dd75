import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatCore
import LifeboatTestSupport
import Testing

@Suite struct MetricsTests {
    /// The textfile holds every figure, is written atomically, and parses as Prometheus text format
    /// (with the Python prometheus_client parser when it is installed, as scripts/prerequisites.sh does).
    @Test func textfileHoldsTheFiguresAndParses() throws {
        let f = try RunFixture(
            policies: ["db": "objectives: { rpo: 24h }", "conf": "objectives: { rpo: 1h }"], metrics: true)
        let now = Date(timeIntervalSince1970: 1_735_000_000)
        f.clock.now = now
        try f.insert(policy: "db", started: now.addingTimeInterval(-7200), status: .complete)
        try f.insert(policy: "db", started: now.addingTimeInterval(-3600), status: .degraded)
        try f.catalog.countRun(command: "run", outcome: "ok", at: now)
        try f.catalog.countRun(command: "run", outcome: "ok", at: now)
        try f.catalog.countRun(command: "run", outcome: "failed", at: now)
        let ctx = try f.context()
        MetricsTextfile.refresh(ctx)
        let path = try #require(ctx.agent.metricsTextfile)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            text.contains(
                "lifeboat_last_success_timestamp_seconds{policy=\"db\"} \(Int(now.timeIntervalSince1970) - 7200)\n"))
        #expect(text.contains("lifeboat_backup_age_seconds{policy=\"db\"} 7200\n"))
        #expect(text.contains("lifeboat_rpo_seconds{policy=\"conf\"} 3600\n"))
        #expect(text.contains("lifeboat_rpo_status{policy=\"conf\"} 2\n"))
        #expect(text.contains("lifeboat_rpo_status{policy=\"db\"} 1\n"))
        #expect(text.contains("lifeboat_last_success_bytes_in{policy=\"db\"} 1000\n"))
        #expect(text.contains("lifeboat_last_success_duration_seconds{policy=\"db\"} 60\n"))
        #expect(text.contains("lifeboat_last_success_lock_window_seconds{policy=\"db\"} 0.25\n"))
        #expect(text.contains("lifeboat_destination_up{policy=\"db\",destination=\"nas\"} 1\n"))
        #expect(text.contains("lifeboat_destination_up{policy=\"db\",destination=\"nas2\"} 0\n"))
        #expect(
            text.contains("lifeboat_destination_breaker_state{policy=\"db\",destination=\"nas\"} 0\n"))
        #expect(text.contains("lifeboat_spool_bytes 0\n"))
        #expect(text.contains("lifeboat_runs_total{command=\"run\",outcome=\"ok\"} 2\n"))
        #expect(text.contains("lifeboat_runs_total{command=\"run\",outcome=\"failed\"} 1\n"))
        let dir = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp") }.isEmpty)

        // A real parser (scripts/prerequisites.sh installs prometheus_client) must accept the file.
        let check = try Command.run([
            "python3", "-c",
            """
            from prometheus_client.parser import text_string_to_metric_families
            import sys
            fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
            assert fams['lifeboat_runs'].type == 'counter', fams['lifeboat_runs'].type
            assert any(s.labels == {'policy': 'db'} and s.value == 7200 for s in fams['lifeboat_backup_age_seconds'].samples)
            assert len(fams) >= 13, sorted(fams)
            """, path,
        ])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func labelValuesAreEscaped() {
        #expect(MetricsTextfile.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }
}
