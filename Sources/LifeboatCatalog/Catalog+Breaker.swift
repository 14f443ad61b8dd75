import Foundation
import GRDB

/// One destination's circuit breaker as the catalog keeps it (the decisions live in LifeboatStorage).
public struct BreakerRow: Sendable, Equatable {
    public var phase: String = "closed"
    public var failures: Int = 0
    public var openedAt: Double?
    public var probeAt: Double?
    public var lastError: String?

    public init() {}
}

extension Catalog {
    /// Reads, changes and writes one breaker in a single transaction, so concurrent uploads and
    /// overlapping runs never lose a count.
    public func updateBreaker<T>(_ destination: String, at: Date, _ body: (inout BreakerRow) throws -> T) throws -> T {
        try wrap("update breaker") {
            try db.write { db in
                var row = BreakerRow()
                if let r = try Row.fetchOne(db, sql: "SELECT * FROM breaker WHERE destination = ?", arguments: [destination]) {
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
                        arguments: [destination, row.phase, row.failures, row.openedAt, row.probeAt, row.lastError,
                                    at.timeIntervalSince1970])
                }
                return result
            }
        }
    }

    /// Every breaker the catalog knows, by destination key.
    public func breakers() throws -> [String: BreakerRow] {
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
