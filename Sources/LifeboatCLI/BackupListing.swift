import Foundation
import LifeboatCatalog
import LifeboatCore

/// Renders the catalog's backups for `lifeboat list`: a table for people, JSON for scripts.
package enum BackupListing {
    /// `domains`: policy name -> destination name -> its failure domain, as the policies name them now.
    package static func json(_ records: [BackupRecord], domains: [String: [String: String]] = [:]) throws -> String {
        try JSONText.encode(records.map { BackupListingItem(record: $0, domains: domains[$0.policy] ?? [:]) })
    }

    package static func table(_ records: [BackupRecord]) -> String {
        var lines = [
            "ID                       STARTED (UTC)     POLICY               STATUS           SIZE IN    SIZE OUT   DESTINATIONS"
        ]
        for r in records {
            let dests = r.copies.map { "\($0.destination):\($0.status.rawValue)" }.joined(separator: ",")
            lines.append(
                [
                    pad(r.id.rawValue, 24), pad(minute(r.started), 17), pad(r.policy, 20),
                    pad(r.displayStatus + (r.pinned ? " pinned" : ""), 16), pad(human(r.bytesIn), 10),
                    pad(human(r.bytesOut), 10), dests,
                ].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// `2026-11-29 14:22`: the start to the minute, in UTC as the ids are.
    static func minute(_ date: Date) -> String {
        let t = Timestamp.iso8601(date)
        return String(t.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }

    static func human(_ bytes: Int64) -> String { ByteText.human(bytes) }
}
