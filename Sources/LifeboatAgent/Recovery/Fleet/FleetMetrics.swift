import Foundation
import LifeboatCore

/// The recovery host's Prometheus textfile: every host and policy's backup age against its RPO, its last
/// drill against its RTO and the fleet's verdict, labelled host and policy, so an alert fires on the
/// recovery host for a backup host that can no longer report anything itself.
package enum FleetMetrics {
    package static func render(_ verdicts: [FleetJudgement.Verdict], generated: Date) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for s in samples { out += "\(name)\(s.labels) \(s.value)\n" }
        }
        func labels(_ v: FleetJudgement.Verdict) -> String {
            "{host=\"\(MetricsTextfile.escape(v.entry.host))\",policy=\"\(MetricsTextfile.escape(v.entry.policy))\"}"
        }
        func num(_ d: Double) -> String {
            d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(format: "%.3f", d)
        }
        family(
            "lifeboat_fleet_backup_age_seconds",
            "Age of the newest backup a trusted latest.json names, from its start (absent without one).",
            verdicts.compactMap { v in v.backupAgeSeconds.map { (labels(v), String($0)) } })
        family(
            "lifeboat_fleet_rpo_age_seconds",
            "The RPO age: the younger of the newest backup and the newest archived WAL or binary log every destination holds.",
            verdicts.compactMap { v in v.ageSeconds.map { (labels(v), String($0)) } })
        family(
            "lifeboat_fleet_archive_age_seconds",
            "Age of the newest verified archived WAL or binary log every destination holds, by its signed time (absent without one).",
            verdicts.compactMap { v in v.archiveAgeSeconds.map { (labels(v), String($0)) } })
        family(
            "lifeboat_fleet_archive_newest_timestamp_seconds",
            "Signed time of the newest verified archived WAL or binary log every destination holds (Unix time).",
            verdicts.compactMap { v in
                v.entry.archive?.newestEverywhere.map { (labels(v), num($0.time.timeIntervalSince1970.rounded())) }
            })
        family(
            "lifeboat_fleet_archive_gap",
            "1 when the archived WAL or binary logs miss a file since the newest base backup or dump, else 0.",
            verdicts.compactMap { v in v.entry.archive.map { (labels(v), $0.gap == nil ? "0" : "1") } })
        family(
            "lifeboat_fleet_last_success_timestamp_seconds",
            "Start of the newest backup a trusted latest.json names (Unix time).",
            verdicts.compactMap { v in
                v.entry.latest.flatMap { Timestamp.parseISO8601($0.started) }.map {
                    (labels(v), num($0.timeIntervalSince1970))
                }
            })
        family(
            "lifeboat_rpo_seconds", "The policy's recovery point objective, from its latest.json.",
            verdicts.compactMap { v in v.entry.latest.map { (labels(v), String($0.objectives.rpo)) } })
        family(
            "lifeboat_rto_seconds", "The policy's recovery time objective (absent when it has none).",
            verdicts.compactMap { v in v.rtoSeconds.map { (labels(v), String($0)) } })
        family(
            "lifeboat_drill_interval_seconds", "How often the policy asks to be drilled (drill: every ...).",
            verdicts.compactMap { v in v.entry.latest.map { (labels(v), String($0.objectives.drill)) } })
        family(
            "lifeboat_drill_last_success_timestamp_seconds", "When the newest passed drill finished (Unix time).",
            verdicts.compactMap { v in
                v.entry.lastPassedDrill.map { (labels(v), num($0.finished.timeIntervalSince1970.rounded())) }
            })
        family(
            "lifeboat_drill_seconds", "How long the last drill's whole restore took.",
            verdicts.compactMap { v in v.entry.lastDrill.map { (labels(v), num($0.seconds)) } })
        family(
            "lifeboat_drill_passed", "1 when the last drill passed, 0 when it failed (absent: never drilled).",
            verdicts.compactMap { v in v.entry.lastDrill.map { (labels(v), $0.result == .passed ? "1" : "0") } })
        family(
            "lifeboat_drill_rto_met", "1 when the last drill passed within the RTO, else 0 (absent: never drilled).",
            verdicts.compactMap { v in
                v.entry.lastDrill.map { d in
                    (labels(v), d.result == .passed && v.drill != .slow ? "1" : "0")
                }
            })
        family(
            "lifeboat_fleet_destinations_holding", "Destinations whose trusted latest.json names the newest backup.",
            verdicts.map { (labels($0), String($0.entry.holding.count)) })
        family(
            "lifeboat_fleet_status", "The fleet's verdict on the policy: 0 ok, 1 warning, 2 critical, 3 unknown.",
            verdicts.map { (labels($0), String($0.status.rawValue)) })
        family(
            "lifeboat_fleet_generated_timestamp_seconds", "When this file was written (Unix time).",
            [("", num(generated.timeIntervalSince1970.rounded()))])
        return out
    }

    /// Writes the textfile when the recovery config names one (atomically, 0644, as the agent's); a
    /// failure is logged, never thrown, so metrics never change what `fleet` reports.
    package static func refresh(_ ctx: RecoveryContext, _ verdicts: [FleetJudgement.Verdict]) {
        guard let path = ctx.config.metricsTextfile else { return }
        do {
            try MetricsTextfile.write(render(verdicts, generated: ctx.now()), to: path)
        } catch {
            ctx.logger.warning("metrics textfile \(path) not written: \(error)")
        }
    }
}
