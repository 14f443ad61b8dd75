import Foundation
import GRDB

/// One destination's circuit breaker as the catalog keeps it (the decisions live in LifeboatStorage).
package struct BreakerRow: Sendable, Equatable {
    package var phase: String = "closed"
    package var failures: Int = 0
    package var openedAt: Double?
    package var probeAt: Double?
    package var lastError: String?

    package init() {}
}

extension Catalog {
    /// Reads, changes and writes one breaker in a single transaction, so concurrent uploads and
    /// overlapping runs never lose a count.
    package func updateBreaker<T>(_ destination: String, at: Date, _ body: (inout BreakerRow) throws -> T) throws -> T {
        try wrap("update breaker") {
            try db.write { db in
                var row = BreakerRow()
                if let r = try Row.fetchOne(
                    db, sql: "SELECT * FROM breaker WHERE destination = ?", arguments: [destination])
                {
                    row.phase = r["phase"]
                    row.failures = r["failures"]
                    row.openedAt = r["opened_at"]
                    row.probeAt = r["probe_at"]
                    row.lastError = r["last_error"]
                }
                let before = row
                let result = try body(&row)
                if row != before {
                    try db.execute(
                        sql: """
                            INSERT INTO breaker (destination, phase, failures, opened_at, probe_at, last_error, updated)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (destination) DO UPDATE SET phase = excluded.phase, failures = excluded.failures,
                                opened_at = excluded.opened_at, probe_at = excluded.probe_at,
                                last_error = excluded.last_error, updated = excluded.updated
                            """,
                        arguments: [
                            destination, row.phase, row.failures, row.openedAt, row.probeAt, row.lastError,
                            at.timeIntervalSince1970,
                        ])
                }
                return result
            }
        }
    }

    /// Every breaker the catalog knows, by destination key.
    package func breakers() throws -> [String: BreakerRow] {
        try wrap("read breakers") {
            try db.read { db in
                var out: [String: BreakerRow] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT * FROM breaker") {
                    var row = BreakerRow()
                    row.phase = r["phase"]
                    row.failures = r["failures"]
                    row.openedAt = r["opened_at"]
                    row.probeAt = r["probe_at"]
                    row.lastError = r["last_error"]
                    out[r["destination"]] = row
                }
                return out
            }
        }
    }
}
