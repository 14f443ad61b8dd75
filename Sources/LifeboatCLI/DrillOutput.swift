import Foundation
import LifeboatAgent
import LifeboatCore

/// How `drill` prints its outcomes: one line per drill for a person, or the stable JSON array.
package enum DrillOutput {
    /// `PASS db1/orders backup ID: 12.3 MiB in 1.42 s (RTO 1h) — 4 tables, 1,200 rows`;
    /// `SLOW …, over its RTO 1s — …`; `FAIL db1/orders: reason (backup ID)`.
    package static func line(_ o: DrillOutcome) -> String {
        let r = o.record
        let rto = r.rtoSeconds.map { DurationValue(seconds: Int64($0.rounded(.up))).description }
        let took = "\(size(r.bytes)) in \(String(format: "%.2f", r.seconds)) s"
        var detail = r.detail.isEmpty ? "" : " — \(r.detail)"
        if o.digest == DrillUseCase.noDigest { detail += "; \(DrillUseCase.noDigest)" }
        switch o.verdict {
        case .passed:
            return
                "PASS \(o.name) backup \(r.backupID ?? "?"): \(took) (\(rto.map { "RTO \($0)" } ?? "no RTO"))\(detail)"
        case .slow:
            return "SLOW \(o.name) backup \(r.backupID ?? "?"): \(took), over its RTO \(rto ?? "?")\(detail)"
        case .failed:
            return "FAIL \(o.name): \(r.error ?? "failed")" + (r.backupID.map { " (backup \($0))" } ?? "")
        }
    }

    /// `512 B`, `12.3 MiB`.
    package static func size(_ bytes: Int64) -> String { ByteText.human(bytes, spaced: true) }

    package static func json(_ outcomes: [DrillOutcome]) throws -> String {
        try JSONText.encode(outcomes.map(DrillJSONItem.init))
    }
}

/// One drill as `drill --json` prints it: every field present, null where there is nothing to say.
struct DrillJSONItem: Encodable {
    let outcome: DrillOutcome

    init(_ o: DrillOutcome) { outcome = o }

    enum CodingKeys: String, CodingKey {
        case host, policy, backup, result, seconds, bytes, started, finished, detail, digest, error
        case rtoSeconds = "rto_seconds"
        case metRTO = "met_rto"
    }

    func encode(to encoder: Encoder) throws {
        let r = outcome.record
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(r.host, forKey: .host)
        try c.encode(r.policy, forKey: .policy)
        try c.encode(r.backupID, forKey: .backup)
        try c.encode(outcome.verdict.rawValue, forKey: .result)
        try c.encode((r.seconds * 1000).rounded() / 1000, forKey: .seconds)
        try c.encode(r.bytes, forKey: .bytes)
        try c.encode(r.rtoSeconds, forKey: .rtoSeconds)
        try c.encode(outcome.verdict == .passed, forKey: .metRTO)
        try c.encode(Timestamp.iso8601(r.started), forKey: .started)
        try c.encode(Timestamp.iso8601(r.finished), forKey: .finished)
        try c.encode(r.detail, forKey: .detail)
        try c.encode(outcome.digest, forKey: .digest)
        try c.encode(r.error, forKey: .error)
    }
}
