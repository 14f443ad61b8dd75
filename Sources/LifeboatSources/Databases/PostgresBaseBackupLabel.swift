import LifeboatCore

/// Reads the WAL range of a base backup from the two files pg_basebackup puts in its tar:
/// `backup_label` (START WAL LOCATION, START TIMELINE) and the end of `backup_manifest` (the
/// WAL-Ranges' End-LSN). Both come from a server's output, so anything unexpected is refused.
package enum PostgresBaseBackupLabel {
    /// `label` is the whole backup_label; `manifestTail` the last bytes of backup_manifest.
    package static func parse(label: String, manifestTail: String) throws -> BaseBackupWAL {
        var start: PostgresLSN?
        var timeline: UInt32?
        for line in label.split(separator: "\n") {
            if let rest = value(of: "START WAL LOCATION: ", in: line) {
                start = rest.split(separator: " ").first.flatMap { PostgresLSN($0) }
            } else if let rest = value(of: "START TIMELINE: ", in: line) {
                timeline = UInt32(rest.trimmingCharacters(in: .whitespaces))
            }
        }
        guard let start, let timeline, timeline >= 1 else {
            throw LifeboatError.failed("pg_basebackup's backup_label names no START WAL LOCATION and START TIMELINE")
        }
        guard let stop = lastEndLSN(manifestTail) else {
            throw LifeboatError.failed(
                "pg_basebackup's backup_manifest names no WAL-Ranges End-LSN",
                hint: "a physical backup needs PostgreSQL 13 or later, with its backup manifest")
        }
        let wal = BaseBackupWAL(timeline: timeline, start: start, stop: stop)
        guard wal.isPlausible else {
            throw LifeboatError.failed("pg_basebackup reports a WAL range \(start)-\(stop) that ends before it starts")
        }
        return wal
    }

    private static func value(of key: String, in line: Substring) -> String? {
        line.hasPrefix(key) ? String(line.dropFirst(key.count)) : nil
    }

    /// The last `"End-LSN": "X/Y"` of the manifest (a backup spanning timelines lists several ranges).
    static func lastEndLSN(_ text: String) -> PostgresLSN? {
        let key = "\"End-LSN\": \""
        guard let found = text.range(of: key, options: .backwards) else { return nil }
        let rest = text[found.upperBound...]
        guard let quote = rest.firstIndex(of: "\"") else { return nil }
        return PostgresLSN(rest[..<quote])
    }
}
