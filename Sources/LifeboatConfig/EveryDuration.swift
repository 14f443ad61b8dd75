import LifeboatCore

/// Reads the `every <duration>` form that `schedule:` and `drill:` share, so both give the same
/// message, with file and line, for the same mistake.
extension YAMLValue {
    /// `every 6h` as a duration from 1s to `DurationValue.maximum`; `key` names the setting in messages.
    func every(_ key: String) throws -> DurationValue {
        let text = try string(key)
        let words = text.split(separator: " ")
        guard words.count == 2, words[0] == "every" else {
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
}
