import Foundation
import LifeboatPlan
import Testing

/// The Markdown plan: table cells cannot be broken out of, and code blocks print commands as they are.
struct MarkdownPlanTests {
    let markdown: String

    init() throws { markdown = try PlanRenderer.render(PlanSamples.plan, as: .markdown) }

    /// The cells of a table row, split on the pipes that are not escaped.
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        for c in line {
            if escaped {
                current.append(c)
                escaped = false
            } else if c == "\\" {
                current.append(c)
                escaped = true
            } else if c == "|" {
                cells.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(c)
            }
        }
        cells.append(current.trimmingCharacters(in: .whitespaces))
        return Array(cells.dropFirst().dropLast())
    }

    func tableRow(_ first: String, header: String) -> [String]? {
        let lines = markdown.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("| \(header) |") }) else { return nil }
        return lines[start...].first { $0.hasPrefix("| \(first) |") }.map(Self.cells)
    }

    @Test func hostileScenarioStaysInItsCell() throws {
        let row = try #require(tableRow("ratings-db", header: "Service"))
        #expect(row.count == 8)
        #expect(row[1] == "\\<script\\>alert(1)\\</script\\> \\| rm -rf /  \\# not a heading \\& \\*bold\\*")
        #expect(!markdown.contains("<script>"))
    }

    @Test func bothTablesWithARowPerPolicy() throws {
        #expect(markdown.contains("| Service | Scenario | RPO | RTO | Priority |"))
        #expect(markdown.contains("| Resource | Backup strategy | Backup location | Recovery procedure |"))
        let etc = try #require(tableRow("etc", header: "Service"))
        #expect(etc[3] == "not set")
        let resource = try #require(tableRow("ratings-db", header: "Resource"))
        #expect(resource.count == 5)
        #expect(resource[1] == "copy of a\\|b")
        #expect(try #require(tableRow("etc", header: "Resource")).count == 5)
    }

    @Test func commandsPrintAsTheyAreInALongerFence() {
        #expect(
            markdown.contains("````sh\nlifeboat restore ratings-db --to ratings-db.db --identity KEY.sec.asc\n````"))
        #expect(markdown.contains("cat data.* | gpg --decrypt | gunzip > 'ratings-db.db'\necho '```'\n````"))
    }

    @Test func headerAndCustody() {
        #expect(markdown.hasPrefix("# Disaster recovery plan: db1\n"))
        #expect(markdown.contains("Generated at: 2026-11-29T14:00:00Z"))
        #expect(markdown.contains("- The secret key is kept in two places off the host."))
        #expect(markdown.contains("| recipient | keys/ops.pub.asc (Ops \\<ops@example.invalid\\>) | ABCD |"))
    }
}
