import LifeboatCore

/// Where the archived WAL of one destination breaks: the first file missing on the way from the
/// segment that holds the newest base backup's start to the newest segment archived, following the
/// timelines that branched off after it (a server restored to a point in time promotes to a new
/// timeline and archives into the same policy). On that way each later timeline starts at its first
/// archived segment, so a segment of an older timeline after the switch is not needed and not a gap,
/// while the later timeline's history file is (recovery follows it). Point-in-time recovery cannot
/// cross a missing file, so check calls it CRITICAL. Pure, so it is tested without a destination.
///
/// `check` holds no secret key, so it cannot read a history file's switch point: a timeline's parent
/// and switch are inferred from the file names (the parent is the nearest older timeline on the way
/// that holds a segment at or before the new timeline's first one).
package enum WALGap {
    /// One stretch of the way: segments `from` onward on `timeline`.
    struct Step: Equatable {
        var timeline: UInt32
        var from: UInt64
    }

    /// `archived`: the names of the files at the destination that have their signature. Returns the
    /// name of the first missing segment or history file, nil when none is missing.
    package static func firstMissing(archived: [WALFileName], base: BaseBackupWAL) -> String? {
        var segments: [UInt32: Set<UInt64>] = [:]
        var histories = Set<UInt32>()
        for file in archived {
            switch file.kind {
            case .segment: if let n = file.segmentNumber() { segments[file.timeline, default: []].insert(n) }
            case .history: histories.insert(file.timeline)
            case .backup, .partial: break
            }
        }
        guard
            let start = WALFileName(WALFileName.segment(timeline: base.timeline, holding: base.start))?.segmentNumber()
        else { return nil }
        let way = path(segments: segments, base: base.timeline, start: start)
        for (i, step) in way.enumerated() {
            if step.timeline != base.timeline, !histories.contains(step.timeline) {
                return WALArchiveLayout.timelineFolder(step.timeline) + ".history"
            }
            let numbers = segments[step.timeline] ?? []
            let last: UInt64
            if i + 1 < way.count {
                guard way[i + 1].from > step.from else { continue }
                last = way[i + 1].from - 1
            } else {
                guard let newest = numbers.max() else { return nil }
                guard newest >= step.from else {
                    return WALFileName.segment(timeline: step.timeline, number: step.from)
                }
                last = newest
            }
            var n = step.from
            while n <= last {
                if !numbers.contains(n) { return WALFileName.segment(timeline: step.timeline, number: n) }
                n += 1
            }
        }
        return nil
    }

    /// The timelines recovery from the base backup follows to the newest one that descends from it:
    /// the base's own timeline from `start`, then each later timeline from its first segment. Only the
    /// base's timeline when no later one branches off at or after `start`.
    static func path(segments: [UInt32: Set<UInt64>], base: UInt32, start: UInt64) -> [Step] {
        let later = segments.keys.filter { $0 > base }.sorted(by: >)
        for top in later {
            guard let first = segments[top]?.min() else { continue }
            var way = [Step(timeline: top, from: first)]
            var current = way[0]
            while current.timeline != base {
                let parent = later.first { t in
                    t < current.timeline && (segments[t]?.min()).map { $0 <= current.from } == true
                }
                if let parent, let from = segments[parent]?.min() {
                    current = Step(timeline: parent, from: from)
                } else if current.from >= start {
                    current = Step(timeline: base, from: start)
                } else {
                    break
                }
                way.append(current)
            }
            if current.timeline == base, current.from == start, way.allSatisfy({ $0.from >= start }) {
                return way.reversed()
            }
        }
        return [Step(timeline: base, from: start)]
    }
}
