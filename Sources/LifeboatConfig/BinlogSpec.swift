import LifeboatCore

/// `binlog: { every: DURATION }` of a mariadb policy: archive the server's binary logs between dumps, so
/// a restore can replay them to a point in time. Each due `run` rotates the log and ships every closed
/// log not yet archived.
package struct BinlogSpec: Sendable, Equatable {
    /// How often `run` rotates and archives the binary log.
    package var every: DurationValue

    package init(every: DurationValue) { self.every = every }
}

extension BinlogSpec {
    /// `binlog: { every: 5m }`: at least a minute apart (a rotation per run costs a new log file each time).
    static func parse(_ v: YAMLValue, kind: Policy.Kind?) throws -> BinlogSpec {
        let f = try v.fields("binlog")
        if let kind, kind != .mariadb {
            throw v.error("binlog: only a mariadb policy archives binary logs (this policy is \(kind.rawValue))")
        }
        let every = try f.required("every").duration("binlog.every")
        guard every.seconds >= 60 else {
            throw v.error("binlog.every is \(every); at least 1m is allowed")
        }
        try f.finish()
        return BinlogSpec(every: every)
    }
}
