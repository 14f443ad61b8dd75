import Foundation
import LifeboatCatalog
import LifeboatCore

/// Renders the catalog's backups for `lifeboat list`: a table for people, JSON for scripts.
public enum BackupListing {
    public static func json(_ records: [BackupRecord]) throws -> String {
        let items: [[String: Any]] = records.map { r in
            var o: [String: Any] = [
                "id": r.id, "policy": r.policy, "host": r.host, "kind": r.kind, "status": r.displayStatus,
                "started": Timestamp.iso8601(r.started),
                "finished": r.finished.map(Timestamp.iso8601) ?? NSNull(),
                "bytes_in": r.bytesIn, "bytes_out": r.bytesOut, "chunks": r.chunkCount,
                "lock_window_ms": r.lockWindowMs.map { $0 as Any } ?? NSNull(),
                "skipped": r.skipped,
                "destinations": r.copies.map { c -> [String: Any] in
                    var d: [String: Any] = ["name": c.destination, "status": c.status.rawValue]
                    if let e = c.error { d["error"] = e }
                    return d
                },
            ]
            if let e = r.error { o["error"] = e }
            return o
        }
        let data = try JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    public static func table(_ records: [BackupRecord]) -> String {
        var lines = ["ID                       POLICY               STATUS        SIZE IN    SIZE OUT   DESTINATIONS"]
        for r in records {
            let dests = r.copies.map { "\($0.destination):\($0.status.rawValue)" }.joined(separator: ",")
            lines.append([
                pad(r.id, 24), pad(r.policy, 20), pad(r.displayStatus, 13), pad(human(r.bytesIn), 10),
                pad(human(r.bytesOut), 10), dests,
            ].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

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
