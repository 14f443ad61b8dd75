import LifeboatCore

/// Where the archived WAL of one destination breaks: the first segment missing between the one that
/// holds the newest base backup's start and the newest segment archived, on that backup's timeline.
/// Point-in-time recovery cannot cross a missing segment, so check calls it CRITICAL. Pure, so it is
/// tested without a destination.
package enum WALGap {
    /// `archived`: the names of the files at the destination that have their signature.
    package static func firstMissing(archived: [WALFileName], base: BaseBackupWAL) -> String? {
        let numbers = Set(
            archived.filter { $0.kind == .segment && $0.timeline == base.timeline }.compactMap { $0.segmentNumber() })
        guard
            let start = WALFileName(WALFileName.segment(timeline: base.timeline, holding: base.start))?.segmentNumber(),
            let newest = numbers.max()
        else { return nil }
        guard newest >= start else {
            return WALFileName.segment(timeline: base.timeline, number: start)
        }
        var n = start
        while n <= newest {
            if !numbers.contains(n) { return WALFileName.segment(timeline: base.timeline, number: n) }
            n += 1
        }
        return nil
    }
}
