import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore

/// The state of a destination's circuit breaker, as the metrics show it (the catalog's, in use).
package protocol BreakerStateProvider: Sendable {
    /// 0 closed, 1 half-open, 2 open.
    func state(policy: String, destination: String) -> (name: String, value: Int)
}

/// Every breaker closed.
package struct AlwaysClosedBreakers: BreakerStateProvider {
    package init() {}
    package func state(policy: String, destination: String) -> (name: String, value: Int) { ("closed", 0) }
}

/// Renders and writes the Prometheus textfile that node_exporter's textfile collector reads.
package enum MetricsTextfile {
    /// What goes into the file, gathered from the catalog, the spool and the clock.
    package struct Snapshot: Sendable {
        package struct PolicyFigures: Sendable {
            package var policy: String
            package var rpoSeconds: Int64
            package var status: Compliance.Status
            package var newest: PolicySummary.Newest?
            package var ageSeconds: Int64?
            /// destination name -> last copy outcome (nil: none finished yet), and its failure domain.
            package var destinations: [(name: String, up: Bool?, domain: String?)]
        }

        package var policies: [PolicyFigures] = []
        package var spoolBytes: Int64 = 0
        package var spoolMax: Int64?
        package var runs: [(command: String, outcome: String, count: Int64)] = []
        package var generated: Date
    }

    /// Gathers the figures; `summaries` may be passed in when the caller already read them.
    package static func snapshot(
        _ ctx: AgentContext, summaries: [PolicySummary]? = nil, breakers: BreakerStateProvider = AlwaysClosedBreakers()
    ) throws -> Snapshot {
        let policies = ctx.configuration.policies
        let sums = try summaries ?? ctx.catalog.policySummaries(policies.map(\.name), now: ctx.now())
        let byName = Dictionary(sums.map { ($0.policy, $0) }, uniquingKeysWith: { a, _ in a })
        let now = ctx.now()
        let space = SpaceProbe.measure(spool: ctx.agent.spool, spoolMax: ctx.agent.spoolMax?.bytes)
        var snap = Snapshot(generated: now)
        snap.spoolBytes = space.spoolBytes
        snap.spoolMax = space.spoolMax
        let allOutcomes = try ctx.catalog.lastCopyOutcomes(policies: policies.map(\.name))
        for p in policies {
            let verdict = Compliance.evaluate(
                policy: p.name, rpo: p.objectives.rpo, summary: byName[p.name], space: space, now: now)
            let outcomes = allOutcomes[p.name] ?? [:]
            snap.policies.append(
                Snapshot.PolicyFigures(
                    policy: p.name, rpoSeconds: p.objectives.rpo.seconds, status: verdict.status,
                    newest: byName[p.name]?.newestComplete, ageSeconds: verdict.ageSeconds,
                    destinations: p.destinations.map { d in
                        (d.name, outcomes[d.name].map { $0 == .shipped }, d.failureDomain)
                    }))
        }
        snap.runs = try ctx.catalog.runCounts()
        return snap
    }

    package static func render(_ s: Snapshot, breakers: BreakerStateProvider = AlwaysClosedBreakers()) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        func p(_ name: String) -> String { "{policy=\"\(escape(name))\"}" }
        func num(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d) }
        let withNewest = s.policies.compactMap { f in f.newest.map { (f, $0) } }
        family(
            "lifeboat_last_success_timestamp_seconds", "gauge",
            "Start of the newest backup that reached every destination (Unix time).",
            withNewest.map { (p($0.0.policy), num($0.1.started.timeIntervalSince1970)) })
        family(
            "lifeboat_backup_age_seconds", "gauge",
            "Age of the newest backup that reached every destination when this file was written.",
            s.policies.compactMap { f in f.ageSeconds.map { (p(f.policy), String($0)) } })
        family(
            "lifeboat_rpo_seconds", "gauge", "The policy's recovery point objective.",
            s.policies.map { (p($0.policy), String($0.rpoSeconds)) })
        family(
            "lifeboat_rpo_status", "gauge",
            "RPO compliance as check reports it: 0 ok, 1 warning, 2 critical, 3 unknown.",
            s.policies.map { (p($0.policy), String($0.status.rawValue)) })
        family(
            "lifeboat_last_success_bytes_in", "gauge", "Plaintext bytes of the newest complete backup.",
            withNewest.map { (p($0.0.policy), String($0.1.bytesIn)) })
        family(
            "lifeboat_last_success_bytes_out", "gauge", "Stored (encrypted) bytes of the newest complete backup.",
            withNewest.map { (p($0.0.policy), String($0.1.bytesOut)) })
        family(
            "lifeboat_last_success_duration_seconds", "gauge", "How long the newest complete backup took to spool.",
            withNewest.compactMap { pair in
                pair.1.finished.map { (p(pair.0.policy), num(max(0, $0.timeIntervalSince(pair.1.started)))) }
            })
        family(
            "lifeboat_last_success_lock_window_seconds", "gauge",
            "How long the newest complete backup held its source locked (0 when it took no lock).",
            withNewest.map { (p($0.0.policy), num(Double($0.1.lockWindowMs ?? 0) / 1000)) })
        var up: [(String, String)] = []
        var breaker: [(String, String)] = []
        var info: [(String, String)] = []
        var domains: [(String, String)] = []
        for f in s.policies {
            domains.append((p(f.policy), String(Set(f.destinations.compactMap(\.domain)).count)))
            for d in f.destinations {
                let labels = "{policy=\"\(escape(f.policy))\",destination=\"\(escape(d.name))\"}"
                info.append(
                    (
                        "{policy=\"\(escape(f.policy))\",destination=\"\(escape(d.name))\",failure_domain=\"\(escape(d.domain ?? ""))\"}",
                        "1"
                    ))
                if let isUp = d.up { up.append((labels, isUp ? "1" : "0")) }
                let b = breakers.state(policy: f.policy, destination: d.name)
                // The value says the state; a `state` label as well would start a new series at every change.
                breaker.append((labels, String(b.value)))
            }
        }
        family(
            "lifeboat_destination_info", "gauge",
            "Always 1: the destination's failure domain in a label (empty when the policy names none).", info)
        family(
            "lifeboat_policy_failure_domains", "gauge",
            "Distinct failure domains the policy's destinations name (fewer than 2: one loss can take every copy).",
            domains)
        family("lifeboat_destination_up", "gauge", "1 when the destination's last copy shipped, 0 when it failed.", up)
        family(
            "lifeboat_destination_breaker_state", "gauge",
            "The destination's circuit breaker: 0 closed, 1 half-open, 2 open.", breaker)
        family(
            "lifeboat_spool_bytes", "gauge", "Bytes of encrypted chunks waiting in the spool.",
            [("", String(s.spoolBytes))])
        if let max = s.spoolMax {
            family(
                "lifeboat_spool_max_bytes", "gauge", "The spool's configured limit (spool_max).", [("", String(max))])
        }
        family(
            "lifeboat_runs_total", "counter", "Runs of lifeboat commands by outcome.",
            s.runs.map { ("{command=\"\(escape($0.command))\",outcome=\"\(escape($0.outcome))\"}", String($0.count)) })
        family(
            "lifeboat_metrics_generated_timestamp_seconds", "gauge", "When this file was written (Unix time).",
            [("", num(s.generated.timeIntervalSince1970.rounded()))])
        return out
    }

    /// Escapes a label value as the text format wants: backslash, double quote, newline.
    package static func escape(_ v: String) -> String {
        guard
            v.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") })
        else { return v }
        var out = ""
        out.reserveCapacity(v.utf8.count + 8)
        for ch in v.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Writes `text` to `path` atomically: a temporary file in the same folder, then rename, so the
    /// collector never reads half a file. No fsync: the file is rewritten on every run and check, and
    /// waiting for the disk would put the slowest part of an idle `run` on a busy host's I/O queue.
    package static func write(_ text: String, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let temp = "\(path).tmp-\(getpid())"
        do {
            let file = try AtomicFile(path: path, temporaryPath: temp, mode: 0o644, replacingLeftover: true)
            // node_exporter runs as another user: readable by all whatever the umask (systemd's
            // UMask=0077 would make it 0600). It holds no secret, only ages, sizes and states.
            fchmod(file.descriptor, 0o644)
            try Array(text.utf8).withUnsafeBytes { try file.write($0) }
            try file.commit(durable: false)
        } catch let failure as AtomicFile.Failure {
            let reason = failure.error.reason
            if failure.step == .rename { throw LifeboatError(.state, "cannot rename \(temp) to \(path): \(reason)") }
            throw LifeboatError(.state, "cannot write \(temp): \(reason)")
        }
    }

    /// Refreshes the textfile when the config names one; a failure is logged, never thrown, so
    /// metrics never fail a backup, run or check.
    package static func refresh(_ ctx: AgentContext, summaries: [PolicySummary]? = nil) {
        guard let path = ctx.agent.metricsTextfile else { return }
        do {
            try write(render(try snapshot(ctx, summaries: summaries), breakers: CatalogBreakerStates(ctx)), to: path)
        } catch {
            ctx.logger.warning("metrics textfile \(path) not written: \(error)")
        }
    }
}
