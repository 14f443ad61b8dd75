/// Quotes a word for a POSIX shell, so a command printed in the plan can be pasted as it is whatever
/// the path or name holds.
enum ShellWord {
    static func quote(_ word: String) -> String {
        let plain = word.allSatisfy { c in
            c.isASCII && (c.isLetter || c.isNumber || "-_./:=@,+%".contains(c))
        }
        if plain && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func line(_ words: [String]) -> String { words.map(quote).joined(separator: " ") }
}
