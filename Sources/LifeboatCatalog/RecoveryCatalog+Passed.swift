import Foundation
import GRDB

extension RecoveryCatalog {
    /// The newest passed drill of every policy that ever passed one, keyed `host/policy`, in one query:
    /// when a restore was last proven, which the newest drill alone does not say once it failed.
    package func lastPassedDrills() throws -> [String: DrillRecord] {
        try wrap("read drills") {
            try db.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT d.* FROM drill d
                        WHERE d.seq = (SELECT e.seq FROM drill e
                                       WHERE e.host = d.host AND e.policy = d.policy AND e.result = 'passed'
                                       ORDER BY e.started DESC, e.seq DESC LIMIT 1)
                        """)
                var out: [String: DrillRecord] = [:]
                for r in rows {
                    let d = Self.record(r)
                    out["\(d.host)/\(d.policy)"] = d
                }
                return out
            }
        }
    }
}
