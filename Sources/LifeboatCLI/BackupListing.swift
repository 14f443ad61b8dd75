import Foundation
import LifeboatCatalog
import LifeboatCore

/// Renders the catalog's backups for `lifeboat list`: a table for people, JSON for scripts.
package enum BackupListing {
    package static func json(_ records: [BackupRecord]) throws -> String {
        try JSONText.encode(records.map(BackupListingItem.init))
    }

    package static func table(_ records: [BackupRecord]) -> String {
        var lines = ["ID                       POLICY               STATUS        SIZE IN    SIZE OUT   DESTINATIONS"]
        for r in records {
            let dests = r.copies.map { "\($0.destination):\($0.status.rawValue)" }.joined(separator: ",")
            lines.append(
                [
                    pad(r.id.rawValue, 24), pad(r.policy, 20), pad(r.displayStatus, 13), pad(human(r.bytesIn), 10),
                    pad(human(r.bytesOut), 10), dests,
                ].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
    }

    static func human(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(bytes)
        var i = 0
        while v >= 1024, i < units.count - 1 {
            v /= 1024
            i += 1
        }
        return i == 0 ? "\(bytes)B" : String(format: "%.1f%@", v, units[i])
    }
}
