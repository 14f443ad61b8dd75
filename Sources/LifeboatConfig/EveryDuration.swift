import LifeboatCore

/// Reads the `every <duration>` form that `schedule:` and `drill:` share, so both give the same
/// message, with file and line, for the same mistake.
extension YAMLValue {
    /// `every 6h` as a duration from 1s to `DurationValue.maximum`; `key` names the setting in messages.
    func every(_ key: String) throws -> DurationValue {
        let text = try string(key)
        let words = text.split(separator: " ")
        guard words.count == 2, words[0] == "every" else {
            if let meant = Self.spelledOut(words) {
                throw error("\(key): '\(text)' must read 'every <duration>': write '\(meant)'")
            }
            throw error("\(key): '\(text)' must read 'every <duration>', like 'every 6h'")
        }
        guard let d = DurationValue(parsing: String(words[1])), d.seconds > 0 else {
            if YAMLValue.looksNumeric(String(words[1]), units: YAMLValue.durationUnits) {
                throw outOfRange(key, text, "every 1s", "every \(DurationValue.maximum)")
            }
            throw error("\(key): '\(text)' must read 'every <duration>', like 'every 6h'")
        }
        guard d <= .maximum else {
            throw outOfRange(key, text, "every 1s", "every \(DurationValue.maximum)")
        }
        return d
    }

    /// `every 1 hour`, `every 30 minutes`: the unit written out as a word, turned into the short form.
    static func spelledOut(_ words: [Substring]) -> String? {
        guard words.count == 3, words[0] == "every", let n = Int(words[1]), n > 0 else { return nil }
        let units: [String: String] = [
            "second": "s", "seconds": "s", "sec": "s", "secs": "s", "minute": "m", "minutes": "m", "min": "m",
            "mins": "m", "hour": "h", "hours": "h", "day": "d", "days": "d", "week": "w", "weeks": "w",
        ]
        guard let unit = units[words[2].lowercased()] else { return nil }
        return "every \(n)\(unit)"
    }
}
