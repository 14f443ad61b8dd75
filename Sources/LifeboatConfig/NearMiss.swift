/// "Did you mean": the known name closest to a misspelt one, so `recipents:` is reported as a typo of
/// `recipients`, not as a missing key.
enum NearMiss {
    /// The candidate within two edits of `word` (one for words of four letters or fewer), nearest first.
    static func suggest(_ word: String, among candidates: some Sequence<String>) -> String? {
        let limit = word.count <= 4 ? 1 : 2
        var best: (String, Int)?
        for c in candidates where c != word {
            let d = distance(Array(word.lowercased().utf8), Array(c.lowercased().utf8))
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    /// Levenshtein distance, with a swap of two neighbours counted as one edit.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
