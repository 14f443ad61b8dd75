import Foundation

/// The target of `restore --until TIME`: an instant read from RFC 3339 (`2026-11-29T14:05:00Z`,
/// `2026-11-29T14:05:00.250+01:00`) or `YYYY-MM-DD HH:MM:SS[+TZ]`, where a missing zone means UTC.
package struct PointInTime: Sendable, Equatable, CustomStringConvertible {
    package var date: Date

    package init(date: Date) { self.date = date }

    /// Reads `text`; a value that is neither form throws a usage error naming it and the forms.
    package init(parsing text: String) throws {
        guard let date = Self.parse(text) else {
            throw LifeboatError(
                .usage,
                "--until \(text.debugDescription) is not a time: write RFC 3339 (2026-11-29T14:05:00Z) or 'YYYY-MM-DD HH:MM:SS[+HH:MM]' (UTC when no zone)"
            )
        }
        self.date = date
    }

    package var description: String { Timestamp.iso8601(date) }

    static func parse(_ text: String) -> Date? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let u = Array(s.utf8)
        // YYYY-MM-DD?HH:MM:SS: 19 bytes, then fraction and zone.
        guard u.count >= 19, u[4] == 0x2D, u[7] == 0x2D, u[10] == 0x54 || u[10] == 0x74 || u[10] == 0x20,
            u[13] == 0x3A, u[16] == 0x3A
        else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            guard r.allSatisfy({ (0x30...0x39).contains(u[$0]) }) else { return nil }
            return Int(String(decoding: u[r], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < u.count, u[i] == 0x2E {
            let start = i + 1
            i = start
            while i < u.count, (0x30...0x39).contains(u[i]) { i += 1 }
            guard i > start, i - start <= 9 else { return nil }
            fraction = Double("0." + String(decoding: u[start..<i], as: UTF8.self)) ?? 0
        }
        var offset = 0
        let rest = String(decoding: u[i...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if rest.isEmpty || rest == "Z" || rest == "z" || rest == "UTC" {
            offset = 0
        } else {
            let r = Array(rest.utf8)
            guard r.count == 6 || r.count == 3, r[0] == 0x2B || r[0] == 0x2D else { return nil }
            let digits = r.count == 6 ? [r[1], r[2], r[4], r[5]] : [r[1], r[2], 0x30, 0x30]
            guard r.count == 3 || r[3] == 0x3A, digits.allSatisfy({ (0x30...0x39).contains($0) }),
                let hh = Int(String(decoding: digits[0..<2], as: UTF8.self)),
                let mm = Int(String(decoding: digits[2..<4], as: UTF8.self)), hh < 24, mm < 60
            else { return nil }
            offset = (hh * 3600 + mm * 60) * (r[0] == 0x2D ? -1 : 1)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = DateComponents(
            year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        guard let base = calendar.date(from: parts), calendar.component(.day, from: base) == day else { return nil }
        return base.addingTimeInterval(fraction - Double(offset))
    }
}
