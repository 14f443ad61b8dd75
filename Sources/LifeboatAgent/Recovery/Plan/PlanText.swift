import Foundation
import LifeboatCatalog
import LifeboatCore

/// The measured and objective columns of the plan as words, the same on a backup host and on the
/// recovery host: an age against the RPO, a drill and its restore time against the RTO.
enum PlanText {
    static func duration(_ seconds: Int64) -> String { DurationValue(seconds: seconds).description }

    /// `1 policy`, `2 policies`.
    static func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }

    /// The config file as an absolute path, so commands in a plan kept elsewhere still name it.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    static func rto(_ seconds: Int64?) -> String { seconds.map(duration) ?? "not set" }

    static func scenario(_ text: String?) -> String {
        guard let t = text, !t.isEmpty else { return "not described" }
        return t
    }

    /// `3h2m old (ID, 2026-11-29T10:00:00Z): within the RPO`, or that there is none.
    static func newestBackup(id: String?, started: Date?, rpo: Int64, now: Date) -> String {
        guard let id, let started else { return "none complete: out of the RPO" }
        let age = max(0, Int64(now.timeIntervalSince(started).rounded(.down)))
        let verdict = age > rpo ? "out of the RPO" : "within the RPO"
        return "\(DurationText.short(age)) old (\(id)): \(verdict)"
    }

    static func lastDrill(_ drill: DrillRecord?) -> String {
        guard let d = drill else { return "never drilled" }
        let when = Timestamp.iso8601(d.started)
        switch d.result {
        case .passed: return "\(when): passed" + (d.detail.isEmpty ? "" : " (\(d.detail))")
        case .failed: return "\(when): failed" + (d.error.map { ": \($0)" } ?? "")
        }
    }

    /// The drill's restore time against the RTO it is held to now.
    static func restoreTime(_ drill: DrillRecord?, rto: Int64?) -> String {
        guard let d = drill else { return "not measured" }
        let took = String(format: "%.1fs", d.seconds)
        guard d.result == .passed else { return "\(took) (the drill failed)" }
        guard let rto else { return "\(took) (no RTO set)" }
        return d.seconds <= Double(rto) ? "\(took) of \(duration(rto)): met" : "\(took) of \(duration(rto)): missed"
    }

    /// `site-a, provider-b`, from the destinations that hold the newest backup.
    static func failureDomains(_ holding: [String], domain: (String) -> String?) -> String {
        guard !holding.isEmpty else { return "none: no destination holds a complete backup" }
        var seen: [String] = []
        for name in holding {
            let d = domain(name).map { "\($0) (\(name))" } ?? "\(name) (no failure domain set)"
            if !seen.contains(d) { seen.append(d) }
        }
        return seen.joined(separator: ", ")
    }
}
