import Foundation
import LifeboatAgent

/// The `check` output: one Nagios summary line with perfdata, or the contract's JSON.
package enum CheckOutput {
    package static func line(_ results: [Compliance.Result]) -> String {
        let status = Compliance.overall(results)
        let bad = results.filter { $0.status != .ok }
        var text: String
        if results.isEmpty {
            text = "no policies"
        } else if bad.isEmpty {
            text = "\(results.count) \(results.count == 1 ? "policy" : "policies") within rpo"
            if results.count == 1 { text += ": " + results[0].message }
        } else {
            text = bad.sorted { $0.status > $1.status }.map { "\($0.policy): \($0.message)" }.joined(separator: "; ")
        }
        let perf = results.map { r -> String in
            let warn = Int64(Double(r.rpoSeconds) * Compliance.warningFraction)
            let age = r.ageSeconds.map { "\($0)s" } ?? "U"
            return "'\(r.policy)_age'=\(age);\(warn);\(r.rpoSeconds);0"
        }
        let head = "LIFEBOAT \(status.name.uppercased()) - \(text)"
        return perf.isEmpty ? head : head + " | " + perf.joined(separator: " ")
    }

    package static func json(_ results: [Compliance.Result]) throws -> String {
        try JSONText.encode(results.map(CheckJSONItem.init))
    }

    /// When no policy is configured at all: WARNING, since nothing is protected (a wrong or empty
    /// `policies:` folder must not read as OK).
    package static func noPolicies(directory: String, json: Bool) -> String {
        json ? "[]" : "LIFEBOAT WARNING - no policy files (*.yaml) in \(directory): nothing is backed up"
    }

    /// When the config or catalog cannot be read: UNKNOWN, one line (or one JSON object per policy
    /// named, with policy null when none was).
    package static func unknown(_ message: String, policies: [String], json: Bool) -> String {
        let oneLine = message.split(separator: "\n").first.map(String.init) ?? message
        guard json else { return "LIFEBOAT UNKNOWN - \(oneLine)" }
        let names: [String?] = policies.isEmpty ? [nil] : policies
        let items = names.map { CheckJSONItem(unknownPolicy: $0, message: oneLine) }
        return (try? JSONText.encode(items)) ?? "[]"
    }
}
