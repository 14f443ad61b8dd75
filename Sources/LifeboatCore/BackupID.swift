import Foundation

/// A backup's name: `YYYYMMDDTHHMMSSZ-` and six random lowercase base32 characters, so ids sort by time.
package struct BackupID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    package let rawValue: String

    package init(date: Date, random: String? = nil) {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        let suffix = random ?? String((0..<6).map { _ in alphabet[Int.random(in: 0..<32)] })
        rawValue = "\(Timestamp.compact(date))-\(suffix)"
    }

    /// Accepts only well-formed ids, so a path built from one cannot escape its folder.
    package init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 16, parts[1].count == 6,
            Timestamp.parseCompact(String(parts[0])) != nil,
            parts[1].allSatisfy({ ("a"..."z").contains($0) || ("2"..."7").contains($0) })
        else { return nil }
        rawValue = text
    }

    /// An id the catalog itself wrote (only checked ids go in), read back without checking again so
    /// one odd row never makes the whole catalog unreadable. Not for text from outside the catalog.
    package init(trustedCatalogValue text: String) {
        rawValue = text
    }

    package var date: Date? { Timestamp.parseCompact(String(rawValue.prefix(16))) }

    package static func < (a: BackupID, b: BackupID) -> Bool { a.rawValue < b.rawValue }
    package var description: String { rawValue }

    package init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = BackupID(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "bad backup id \(text)"))
        }
        self = id
    }

    package func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// UTC timestamps in the two forms the contract uses: ISO 8601 and the compact form inside ids.
package enum Timestamp {
    private static func calendar() -> Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = .gmt
        return c
    }

    /// Year, month, day, hour, minute and second of `date` in UTC.
    private static func fields(_ date: Date) -> [CVarArg] {
        let c = calendar()
        return [Calendar.Component.year, .month, .day, .hour, .minute, .second].map { c.component($0, from: date) }
    }

    package static func compact(_ date: Date) -> String {
        String(format: "%04d%02d%02dT%02d%02d%02dZ", arguments: fields(date))
    }

    package static func parseCompact(_ text: String) -> Date? {
        let chars = Array(text)
        guard chars.count == 16, chars[8] == "T", chars[15] == "Z" else { return nil }
        func num(_ r: Range<Int>) -> Int? { Int(String(chars[r])) }
        guard let y = num(0..<4), let mo = num(4..<6), let d = num(6..<8), let h = num(9..<11),
            let mi = num(11..<13), let s = num(13..<15), (1...12).contains(mo), (1...31).contains(d),
            h < 24, mi < 60, s < 61
        else { return nil }
        return calendar().date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s))
    }

    package static func iso8601(_ date: Date) -> String {
        String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", arguments: fields(date))
    }

    package static func parseISO8601(_ text: String) -> Date? {
        let digits = text.filter { $0.isNumber }
        guard text.hasSuffix("Z"), digits.count == 14 else { return nil }
        return parseCompact(String(digits.prefix(8)) + "T" + String(digits.suffix(6)) + "Z")
    }
}
