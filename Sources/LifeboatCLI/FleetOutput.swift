import Foundation
import LifeboatAgent
import LifeboatCore

/// The `fleet` output: one line per host and policy and a Nagios summary line last, or the JSON array.
package enum FleetOutput {
    /// `STATE host/policy: age 3h/rpo 24h[, wal NAME 40s old], drill 12s/rto 1h (2025-06-01), at nas,offsite - reasons`, then
    /// `LIFEBOAT STATE - N hosts, M policies: a ok, b warning, c critical`.
    package static func text(_ verdicts: [FleetJudgement.Verdict], notes: [String]) -> String {
        // The verdict first: a Nagios plugin's first line is its status text, the rest its long output.
        var lines = [summary(verdicts, notes: notes)]
        for v in verdicts {
            let e = v.entry
            let age = v.ageSeconds.map(DurationText.short) ?? "none"
            let rpo = e.latest.map { short($0.objectives.rpo) } ?? "?"
            let rto = v.rtoSeconds.map(short) ?? "none"
            var drill: String
            if let d = e.lastDrill {
                drill =
                    "drill \(d.result.rawValue) \(d.seconds < 10 ? String(format: "%.1fs", d.seconds) : DurationText.short(Int64(d.seconds.rounded())))/rto \(rto) (\(Timestamp.iso8601(d.finished)))"
            } else {
                drill = "never drilled/rto \(rto)"
            }
            drill += v.drill == .ok || v.drill == .never ? "" : " \(v.drill.rawValue)"
            let at = e.holding.isEmpty ? "at no destination" : "at " + e.holding.joined(separator: ",")
            var archive = ""
            if let a = e.archive {
                archive =
                    ", \(a.kind.rawValue) "
                    + (a.newestEverywhere.map { "\($0.name) \(v.archiveAgeSeconds.map(DurationText.short) ?? "?") old" }
                        ?? "none verified")
            }
            var line =
                "\(v.status.name.uppercased()) \(FleetName.printable(e.name)): age \(age)/rpo \(rpo)\(archive), \(drill), \(at)"
            if v.status != .ok { line += " - " + v.reasons.map(FleetName.printable).joined(separator: "; ") }
            lines.append(line)
        }
        for n in notes { lines.append("NOTE \(FleetName.printable(n))") }
        return lines.joined(separator: "\n")
    }

    /// The first line: overall state, counts by state, silent hosts.
    package static func summary(_ verdicts: [FleetJudgement.Verdict], notes: [String]) -> String {
        let status = FleetJudgement.overall(verdicts, notes: notes)
        let hosts = Set(verdicts.map(\.entry.host))
        if verdicts.isEmpty {
            return "LIFEBOAT \(status.name.uppercased()) - no host or policy found at any destination"
                + (notes.isEmpty ? "" : "; \(notes.count) notes")
        }
        var text =
            "\(hosts.count) \(hosts.count == 1 ? "host" : "hosts"), \(verdicts.count) \(verdicts.count == 1 ? "policy" : "policies"): "
        var counts: [Compliance.Status: Int] = [:]
        for v in verdicts { counts[v.status, default: 0] += 1 }
        text += [Compliance.Status.ok, .warning, .critical, .unknown].compactMap { s in
            let n = counts[s] ?? 0
            return n == 0 ? nil : "\(n) \(s.name)"
        }.joined(separator: ", ")
        var critical: [String: Bool] = [:]
        for v in verdicts { critical[v.entry.host] = (critical[v.entry.host] ?? true) && v.isSilent }
        let silent = critical.filter(\.value).keys
        if !silent.isEmpty { text += "; silent: " + silent.sorted().map(FleetName.printable).joined(separator: ", ") }
        if !notes.isEmpty { text += "; \(notes.count) skipped or unlisted" }
        return "LIFEBOAT \(status.name.uppercased()) - \(text)"
    }

    package static func json(_ verdicts: [FleetJudgement.Verdict]) throws -> String {
        try JSONText.encode(verdicts.map(FleetJSONItem.init))
    }

    /// When nothing could be scanned: UNKNOWN, one line (or an empty array).
    package static func unknown(_ message: String, json: Bool) -> String {
        let oneLine = message.split(separator: "\n").first.map(String.init) ?? message
        return json ? "[]" : "LIFEBOAT UNKNOWN - \(oneLine)"
    }

    static func short(_ seconds: Int64) -> String { DurationValue(seconds: seconds).description }
}
