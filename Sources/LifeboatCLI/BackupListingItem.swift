import LifeboatCatalog
import LifeboatCore

/// One backup as `list --json` prints it: the contract's field names, nulls spelled out, `error` only when set.
struct BackupListingItem: Encodable {
    let record: BackupRecord
    /// Destination name -> failure domain, from the policy (a destination it no longer names has none).
    var domains: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
        case id, policy, host, kind, status, started, finished, chunks, skipped, destinations, error, pinned
        case bytesIn = "bytes_in"
        case bytesOut = "bytes_out"
        case lockWindowMs = "lock_window_ms"
    }

    /// One destination's copy: its name, failure domain (null when none is named), status and, when it
    /// failed, why.
    struct Copy: Encodable {
        let copy: BackupRecord.Copy
        let domain: String?

        enum CodingKeys: String, CodingKey {
            case name, status, error
            case failureDomain = "failure_domain"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(copy.destination, forKey: .name)
            try c.encode(domain, forKey: .failureDomain)
            try c.encode(copy.status, forKey: .status)
            try c.encodeIfPresent(copy.error, forKey: .error)
        }
    }

    func encode(to encoder: Encoder) throws {
        let r = record
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(r.id, forKey: .id)
        try c.encode(r.policy, forKey: .policy)
        try c.encode(r.host, forKey: .host)
        try c.encode(r.kind, forKey: .kind)
        try c.encode(r.displayStatus, forKey: .status)
        try c.encode(Timestamp.iso8601(r.started), forKey: .started)
        try c.encode(r.finished.map(Timestamp.iso8601), forKey: .finished)
        try c.encode(r.bytesIn, forKey: .bytesIn)
        try c.encode(r.bytesOut, forKey: .bytesOut)
        try c.encode(r.chunkCount, forKey: .chunks)
        try c.encode(r.lockWindowMs, forKey: .lockWindowMs)
        try c.encode(r.skipped, forKey: .skipped)
        try c.encode(
            r.copies.map { Copy(copy: $0, domain: domains[$0.destination.rawValue]) }, forKey: .destinations)
        try c.encodeIfPresent(r.error, forKey: .error)
        try c.encode(r.pinned, forKey: .pinned)
    }
}
