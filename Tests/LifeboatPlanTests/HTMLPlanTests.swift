import Foundation
import LifeboatPlan
import Testing

/// The HTML plan: one self-contained page, both tables, and nothing from a config turned into markup.
struct HTMLPlanTests {
    let html: String

    init() throws { html = try PlanRenderer.render(PlanSamples.plan, as: .html) }

    @Test func hostileTextIsEscaped() {
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; | rm -rf /"))
        #expect(html.contains("/mnt/&lt;x&gt;/db1"))
        #expect(html.contains("Ops &lt;ops@example.invalid&gt;"))
        #expect(html.contains("&lt;b&gt;"))
    }

    @Test func bothTablesWithTheirHeaders() {
        for header in [
            "<th>Service</th>", "<th>Scenario</th>", "<th>RPO</th>", "<th>RTO</th>", "<th>Priority</th>",
            "<th>Resource</th>", "<th>Backup strategy</th>", "<th>Backup location</th>", "<th>Recovery procedure</th>",
            "Failure domains holding copies", "Restore time vs RTO", "Last drill", "Newest backup",
        ] {
            #expect(html.contains(header), "\(header)")
        }
        #expect(html.contains("<table id=\"services\">"))
        #expect(html.contains("<table id=\"resources\">"))
        #expect(html.components(separatedBy: "<tr><td>ratings-db</td>").count == 3)
        #expect(html.contains("<tr><td>etc</td><td>not described</td><td>7d</td><td>not set</td><td>low</td>"))
    }

    @Test func selfContainedAndPrintable() {
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("@media print"))
        #expect(html.contains("break-inside: avoid"))
        for external in ["src=", "href=", "@import", "url(", "<link", "<script"] {
            #expect(!html.contains(external), "\(external)")
        }
        #expect(html.contains("2026-11-29T14:00:00Z"))
        #expect(html.contains("backup host db1"))
    }

    @Test func commandsAreEscapedInsidePre() {
        #expect(html.contains("cat data.* | gpg --decrypt | gunzip &gt; &#39;ratings-db.db&#39;"))
    }
}
