import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore

/// The verdict on the fleet as the recovery host sees it, a pure function of the scanned entries and the
/// clock: RPO by the same rule `check` applies on each host (so a host that went silent turns CRITICAL
/// here although it can report nothing itself), and whether each policy's restore was proven in time.
package enum FleetJudgement {
    /// What the last drill says about a policy.
    package enum DrillState: String, Sendable {
        /// Passed within its RTO, and recent enough.
        case ok
        /// Never drilled.
        case never
        /// The last drill failed.
        case failed
        /// The last drill passed but took longer than the RTO.
        case slow
        /// No drill within twice the policy's drill interval.
        case overdue
    }

    /// The verdict on one policy.
    package struct Verdict: Sendable {
        package var entry: FleetEntry
        package var status: Compliance.Status
        /// The RPO age: of the newest backup (from its start, as `check` counts it) or, when the policy
        /// archives WAL or binary logs, of the newest archived file every destination holds, whichever is
        /// younger; nil without a trusted index.
        package var ageSeconds: Int64?
        /// Age of the newest backup alone, from its start; nil without a trusted index.
        package var backupAgeSeconds: Int64? = nil
        /// Age of the newest verified archived file every destination holds; nil without one.
        package var archiveAgeSeconds: Int64? = nil
        package var drill: DrillState
        /// The RTO the last drill is held to: the index's objectives, else the one the drill recorded.
        package var rtoSeconds: Int64?
        /// Why the status is what it is, most important first; the first line describes the backup.
        package var reasons: [String]

        /// CRITICAL for want of a trusted recovery point within the RPO (no trusted index, or the RPO age
        /// is over it), not for another reason such as a gap in an archive that is still in time: a host
        /// all of whose policies are silent is called silent.
        package var isSilent: Bool {
            guard status == .critical else { return false }
            guard let age = ageSeconds, let rpo = entry.latest?.objectives.rpo else { return true }
            return age > rpo
        }
    }

    /// The interval assumed when no trusted index says the policy's own (the policy default).
    package static let defaultDrillInterval = Policy.defaultDrillInterval.seconds

    /// Judges every entry. A policy is CRITICAL without a trusted `latest.json` (the refusals say why) or
    /// when its newest backup is older than its RPO; WARNING past 80% of it, when a destination holding
    /// the policy's folder has no good index naming the newest backup, when the last drill failed or was
    /// slower than the RTO, when there was no drill within twice the drill interval, or never one. A host
    /// whose every policy is CRITICAL for its RPO (`isSilent`) is named silent.
    package static func judge(_ entries: [FleetEntry], now: Date) -> [Verdict] {
        var verdicts = entries.map { judge($0, now: now) }
        let byHost = Dictionary(grouping: verdicts.indices, by: { verdicts[$0].entry.host })
        for (host, indices) in byHost where indices.allSatisfy({ verdicts[$0].isSilent }) {
            let n = indices.count
            let line =
                "host \(host) is silent: \(n == 1 ? "its policy has" : "none of its \(n) policies has") a trusted backup within its rpo"
            for i in indices { verdicts[i].reasons.insert(line, at: 0) }
        }
        return verdicts
    }

    /// The verdict on one policy, without the host-wide view.
    package static func judge(_ e: FleetEntry, now: Date) -> Verdict {
        var status = Compliance.Status.ok
        var reasons: [String] = []
        var age: Int64?
        var backupAgeSeconds: Int64?
        var archiveAgeSeconds: Int64?
        func raise(_ s: Compliance.Status) { status = max(status, s) }
        if let latest = e.latest {
            let rpo = latest.objectives.rpo
            let started = Timestamp.parseISO8601(latest.started) ?? now
            let backupAge = max(0, Int64(now.timeIntervalSince(started).rounded(.down)))
            backupAgeSeconds = backupAge
            var a = backupAge
            var text = "newest backup \(latest.id) is \(DurationText.short(backupAge)) old"
            if let archive = e.archive, let newest = archive.newestEverywhere {
                let archived = max(0, Int64(now.timeIntervalSince(newest.time).rounded(.down)))
                archiveAgeSeconds = archived
                a = min(a, archived)
                text +=
                    ", newest \(archive.noun) at every destination \(newest.name) is \(DurationText.short(archived)) old"
            }
            age = a
            text += " (rpo \(DurationValue(seconds: rpo)))"
            if a > rpo {
                raise(.critical)
                reasons.append(text + ": out of its rpo")
            } else if Double(a) > Double(rpo) * Compliance.warningFraction {
                raise(.warning)
                reasons.append(text + ": past \(Int(Compliance.warningFraction * 100))% of its rpo")
            } else {
                reasons.append(text)
            }
            if !e.problems.isEmpty { raise(.warning) }
            reasons += e.problems
            if let archive = e.archive {
                let (s, lines) = archiveReasons(archive, base: latest.id)
                raise(s)
                reasons += lines
            }
        } else {
            raise(.critical)
            reasons.append("no trusted \(LatestIndex.objectName) at any destination")
            reasons += e.problems
        }
        let rto = e.latest?.objectives.rto ?? e.lastDrill?.rtoSeconds.map { Int64($0.rounded(.up)) }
        let interval = e.latest?.objectives.drill ?? defaultDrillInterval
        let drill = drillState(e.lastDrill, rto: rto, interval: interval, now: now)
        switch drill {
        case .ok:
            if let d = e.lastDrill {
                reasons.append(
                    "last drill \(Timestamp.iso8601(d.finished)) passed in \(seconds(d.seconds))" + rtoText(rto))
            }
        case .never:
            raise(.warning)
            reasons.append("never drilled: a restore of it was never proven (lifeboat drill \(e.name))")
        case .failed:
            raise(.warning)
            let d = e.lastDrill
            reasons.append(
                "last drill \(d.map { Timestamp.iso8601($0.finished) } ?? "?") failed"
                    + (d?.error.map { ": \($0)" } ?? ""))
        case .slow:
            raise(.warning)
            reasons.append(
                "last drill took \(seconds(e.lastDrill?.seconds ?? 0)), over its rto \(DurationValue(seconds: rto ?? 0))"
            )
        case .overdue:
            raise(.warning)
            let ago = max(0, Int64(now.timeIntervalSince(e.lastDrill?.finished ?? now).rounded(.down)))
            reasons.append(
                "last drill was \(DurationText.short(ago)) ago, more than twice its interval \(DurationValue(seconds: interval))"
            )
        }
        return Verdict(
            entry: e, status: status, ageSeconds: age, backupAgeSeconds: backupAgeSeconds,
            archiveAgeSeconds: archiveAgeSeconds, drill: drill, rtoSeconds: rto, reasons: reasons)
    }

    /// Failed, then slower than the RTO, then too old; a drill that passes in time and is recent is ok.
    package static func drillState(_ d: DrillRecord?, rto: Int64?, interval: Int64, now: Date) -> DrillState {
        guard let d else { return .never }
        if d.result == .failed { return .failed }
        if let rto, d.seconds > Double(rto) { return .slow }
        if now.timeIntervalSince(d.finished) > 2 * Double(interval) { return .overdue }
        return .ok
    }

    /// The worst verdict; WARNING at least when the scan skipped hostile names or a listing failed, and
    /// when nothing at all was found (an empty or wrong destination must not read as OK).
    package static func overall(_ verdicts: [Verdict], notes: [String] = []) -> Compliance.Status {
        guard let worst = verdicts.map(\.status).max() else { return .warning }
        return notes.isEmpty ? worst : max(worst, .warning)
    }

    static func seconds(_ s: Double) -> String {
        s < 10 ? String(format: "%.1fs", s) : DurationText.short(Int64(s.rounded()))
    }

    static func rtoText(_ rto: Int64?) -> String {
        rto.map { " (rto \(DurationValue(seconds: $0)))" } ?? ""
    }
}
