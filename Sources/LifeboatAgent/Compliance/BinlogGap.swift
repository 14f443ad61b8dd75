import LifeboatCore

/// Whether a mariadb policy's binary logs still form an unbroken run from the position its newest dump
/// is consistent with: every log from there on must be archived, or still on the server (the next run
/// archives it). A log that is neither was purged before it was archived, and no point-in-time restore
/// can cross it. A pure function of the catalog's and the server's lists.
package enum BinlogGap {
    /// The first log missing from the run that starts at `start` (the dump's log file), or nil.
    package static func firstMissing(start: String, archived: [String], onServer: [String]) -> String? {
        guard let first = BinlogPosition.sequence(of: start) else { return nil }
        let held = Set((archived + onServer).compactMap(BinlogPosition.sequence(of:)))
        guard let last = held.max(), last >= first else { return start }
        for seq in first...last where !held.contains(seq) {
            return name(like: start, sequence: seq)
        }
        return nil
    }

    /// `like`'s base with `sequence` in as many digits as `like` has (or more).
    package static func name(like: String, sequence: Int) -> String {
        guard let dot = like.lastIndex(of: ".") else { return like }
        let width = like.distance(from: like.index(after: dot), to: like.endIndex)
        let digits = String(sequence)
        return String(like[...dot]) + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
