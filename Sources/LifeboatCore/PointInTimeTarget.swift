import Foundation

/// Where a point-in-time restore stops replaying logs: a moment, a WAL position, a transaction id, or
/// the end of everything archived. One type for `restore --until`, `--until-lsn`, `--until-xid` and
/// `--latest`, so every database kind reads the same options the same way.
package enum PointInTimeTarget: Sendable, Equatable {
    /// Replay every transaction committed at or before this moment.
    case time(Date)
    /// Replay up to and including this WAL position (PostgreSQL).
    case lsn(PostgresLSN)
    /// Replay up to and including this transaction id (PostgreSQL).
    case xid(UInt64)
    /// Replay everything archived.
    case latest

    /// The target the restore options name, nil when none does; two at once is a usage error (exit 64).
    package static func from(until: String?, untilLSN: String?, untilXID: String?, latest: Bool) throws
        -> PointInTimeTarget?
    {
        let named =
            [until.map { _ in "--until" }, untilLSN.map { _ in "--until-lsn" }, untilXID.map { _ in "--until-xid" }]
            .compactMap { $0 } + (latest ? ["--latest"] : [])
        guard named.count <= 1 else {
            throw LifeboatError(.usage, "name one recovery target, not \(named.joined(separator: " and "))")
        }
        if let until {
            guard let date = parseTime(until) else {
                throw LifeboatError(
                    .usage, "--until '\(TerminalText.printable(until))' is not a time",
                    hint: "write it as 2026-11-29T14:05:00Z, 2026-11-29 14:05:00+01:00 or 2026-11-29 14:05:00 (UTC)")
            }
            return .time(date)
        }
        if let untilLSN {
            guard let lsn = PostgresLSN(untilLSN) else {
                throw LifeboatError(
                    .usage, "--until-lsn '\(TerminalText.printable(untilLSN))' is not a WAL position",
                    hint: "write it as PostgreSQL does, e.g. 0/16B3748")
            }
            return .lsn(lsn)
        }
        if let untilXID {
            guard let xid = UInt64(untilXID), xid >= 3 else {
                throw LifeboatError(
                    .usage,
                    "--until-xid '\(TerminalText.printable(untilXID))' is not a transaction id (a number from 3)")
            }
            return .xid(xid)
        }
        return latest ? .latest : nil
    }

    /// RFC 3339 (`2026-11-29T14:05:00Z`, `...T14:05:00.25+01:00`) or `YYYY-MM-DD HH:MM:SS[.fff][±HH[:MM]|Z]`;
    /// without a zone the time is UTC. Nil for anything else, including impossible dates.
    package static func parseTime(_ text: String) -> Date? {
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count, b[range].allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return b[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        guard b.count >= 19, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
            b[13] == 0x3A, b[16] == 0x3A,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 0x2E {
            var j = i + 1
            while j < b.count, (0x30...0x39).contains(b[j]) { j += 1 }
            guard j > i + 1, j - i - 1 <= 9, let digits = number(i + 1..<j) else { return nil }
            fraction = Double(digits) / pow(10, Double(j - i - 1))
            i = j
        }
        var offset = 0
        if i < b.count {
            if b[i] == 0x5A || b[i] == 0x7A, i + 1 == b.count {
                offset = 0
            } else if b[i] == 0x2B || b[i] == 0x2D, let hh = number(i + 1..<i + 3), hh <= 23 {
                var mm = 0
                let rest = b.count - (i + 3)
                if rest == 3, b[i + 3] == 0x3A, let m = number(i + 4..<i + 6) {
                    mm = m
                } else if rest == 2, let m = number(i + 3..<i + 5) {
                    mm = m
                } else if rest != 0 {
                    return nil
                }
                guard mm <= 59 else { return nil }
                offset = (hh * 3600 + mm * 60) * (b[i] == 0x2D ? -1 : 1)
            } else {
                return nil
            }
        }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC") ?? utc.timeZone
        let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = utc.date(from: parts), utc.component(.day, from: date) == day else { return nil }
        return date.addingTimeInterval(fraction - Double(offset))
    }

    /// The moment as PostgreSQL's recovery_target_time reads it without doubt: UTC with its zone.
    package static func postgresTime(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        return f.string(from: date) + "+00"
    }
}
