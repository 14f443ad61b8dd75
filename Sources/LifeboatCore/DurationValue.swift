import Foundation

/// A length of time as the config writes it (`45s`, `15m`, `1h`, `7d`, `2w`), kept in whole seconds.
package struct DurationValue: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let seconds: Int64

    package init(seconds: Int64) { self.seconds = seconds }

    /// The longest duration any setting accepts: 100 years (of 365.25 days). Longer means a typo, and
    /// beyond some point a clock or a sleep computed from it overflows.
    package static let maximum = DurationValue(seconds: 3_155_760_000)

    /// Parses `<digits><unit>` with unit one of s, m, h, d, w; nil when the text is not of that form.
    package init?(parsing text: String) {
        var t = Substring(text)
        while let c = t.first, c == " " || c == "\t" { t.removeFirst() }
        while let c = t.last, c == " " || c == "\t" { t.removeLast() }
        guard let unit = t.last, let number = Int64(t.dropLast()), number >= 0 else { return nil }
        let factor: Int64
        switch unit {
        case "s": factor = 1
        case "m": factor = 60
        case "h": factor = 3600
        case "d": factor = 86400
        case "w": factor = 604_800
        default: return nil
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        seconds = value
    }

    package static func < (a: DurationValue, b: DurationValue) -> Bool { a.seconds < b.seconds }

    package var description: String {
        for (unit, factor) in [("w", Int64(604_800)), ("d", 86400), ("h", 3600), ("m", 60)]
        where seconds >= factor && seconds % factor == 0 {
            return "\(seconds / factor)\(unit)"
        }
        return "\(seconds)s"
    }
}
