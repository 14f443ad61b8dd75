import Foundation
import LifeboatCatalog
import LifeboatCore

/// RPO compliance of one policy, as Nagios and Icinga read it: a pure function of the catalog's
/// summary, the spool and disk figures and the clock.
package enum Compliance {
    /// Nagios states, in order of severity; the raw value is the plugin exit code.
    package enum Status: Int32, Sendable, Comparable, CaseIterable {
        case ok = 0
        case warning = 1
        case critical = 2
        case unknown = 3

        package var name: String {
            switch self {
            case .ok: return "ok"
            case .warning: return "warning"
            case .critical: return "critical"
            case .unknown: return "unknown"
            }
        }

        /// Worse first: unknown outranks ok but not warning or critical, as Nagios aggregators do.
        var severity: Int {
            switch self {
            case .ok: return 0
            case .unknown: return 1
            case .warning: return 2
            case .critical: return 3
            }
        }

        package static func < (a: Status, b: Status) -> Bool { a.severity < b.severity }
    }

    /// Past this fraction of the RPO the policy is a warning.
    package static let warningFraction = 0.8
    /// The spool or the disk holding it is "near full" from this fraction on.
    package static let nearFullFraction = 0.9

    /// Space figures that are the same for every policy.
    package struct Space: Sendable, Equatable {
        package var spoolBytes: Int64
        package var spoolMax: Int64?
        /// Bytes used and total of the file system that holds the spool (nil when unknown).
        package var diskUsed: Int64?
        package var diskTotal: Int64?

        package init(spoolBytes: Int64 = 0, spoolMax: Int64? = nil, diskUsed: Int64? = nil, diskTotal: Int64? = nil) {
            self.spoolBytes = spoolBytes
            self.spoolMax = spoolMax
            self.diskUsed = diskUsed
            self.diskTotal = diskTotal
        }
    }

    /// The verdict on one policy.
    package struct Result: Sendable, Equatable {
        package var policy: String
        package var rpoSeconds: Int64
        package var ageSeconds: Int64?
        package var status: Status
        package var newestBackup: BackupID?
        package var message: String
    }

    /// CRITICAL when the newest backup that reached every destination is older than the RPO or there
    /// is none; WARNING past 80% of the RPO, when the newest backup is degraded or failed, when the newest
    /// complete backup left entries out (`skipped` of them), or when the spool or its disk is near full;
    /// OK otherwise.
    ///
    /// `newestLog`: for a policy that archives binary logs, the newest log at every destination and when
    /// it was rotated; when newer than the newest complete dump, the RPO age is that log's age.
    package static func evaluate(
        policy: String, rpo: DurationValue, summary: PolicySummary?, space: Space, now: Date, skipped: Int = 0,
        newestLog: (name: String, rotated: Date)? = nil
    ) -> Result {
        let rpoSeconds = rpo.seconds
        // A row dated in the future (a wrong clock, or a planted backup) is left out of the summary; say so.
        let future = summary?.futureID.map { id in
            "backup \(id) is dated in the future (\(summary?.futureStarted.map(Timestamp.iso8601) ?? "?")) and not counted"
        }
        guard let newest = summary?.newestComplete else {
            var message = "no backup has reached every destination"
            if let last = summary?.lastStatus { message += " (newest backup is \(last.rawValue))" }
            if let future { message += "; \(future)" }
            return Result(
                policy: policy, rpoSeconds: rpoSeconds, ageSeconds: nil, status: .critical,
                newestBackup: nil, message: message)
        }
        let dumpAge = max(0, Int64(now.timeIntervalSince(newest.started).rounded(.down)))
        var age = dumpAge
        var ageText = "newest complete backup \(newest.id) is \(DurationText.short(dumpAge)) old (rpo \(rpo))"
        if let log = newestLog, log.rotated > newest.started {
            age = max(0, Int64(now.timeIntervalSince(log.rotated).rounded(.down)))
            ageText =
                "newest archived binary log \(log.name) is \(DurationText.short(age)) old (rpo \(rpo)), over backup \(newest.id)"
        }
        var result = Result(
            policy: policy, rpoSeconds: rpoSeconds, ageSeconds: age, status: .ok,
            newestBackup: newest.id, message: "")
        if age > rpoSeconds {
            result.status = .critical
            result.message = ageText + ": out of its rpo" + (future.map { "; \($0)" } ?? "")
            return result
        }
        var warnings: [String] = future.map { [$0] } ?? []
        if Double(age) > Double(rpoSeconds) * warningFraction {
            warnings.append("past \(Int(warningFraction * 100))% of its rpo")
        }
        if let last = summary?.lastStatus, last == .degraded || last == .failed, let id = summary?.lastID,
            id != newest.id
        {
            warnings.append("newest backup \(id) is \(last.rawValue)")
        }
        if skipped > 0 {
            let entries = skipped == 1 ? "entry" : "entries"
            warnings.append("it skipped \(skipped) \(entries) that vanished or could not be read")
        }
        if let max = space.spoolMax, max > 0, Double(space.spoolBytes) >= Double(max) * nearFullFraction {
            warnings.append("spool holds \(space.spoolBytes) of \(max) bytes")
        }
        if let used = space.diskUsed, let total = space.diskTotal, total > 0,
            Double(used) >= Double(total) * nearFullFraction
        {
            warnings.append("the disk holding the spool is \(used * 100 / total)% full")
        }
        result.status = warnings.isEmpty ? .ok : .warning
        result.message = ([ageText] + warnings).joined(separator: "; ")
        return result
    }

    /// The state of several policies together: the worst of them.
    package static func overall(_ results: [Result]) -> Status {
        results.map(\.status).max() ?? .ok
    }
}

/// Short human durations for messages: `3d4h`, `2h5m`, `45s`.
package enum DurationText {
    package static func short(_ seconds: Int64) -> String {
        var parts: [String] = []
        var rest = seconds
        for (unit, size) in [("d", Int64(86400)), ("h", 3600), ("m", 60)] where rest >= size {
            parts.append("\(rest / size)\(unit)")
            rest %= size
            if parts.count == 2 { return parts.joined() }
        }
        if parts.isEmpty || (parts.count < 2 && rest > 0) { parts.append("\(rest)s") }
        return parts.joined()
    }
}
