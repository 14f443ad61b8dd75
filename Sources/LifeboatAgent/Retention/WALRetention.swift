import Foundation
import LifeboatCatalog
import LifeboatCore

/// Which archived WAL prune may remove: every segment (and backup history and `.partial` file) before
/// the segment holding the start of the oldest base backup still at the destinations (live, deleted
/// or soft-deleted: anything not yet purged could still be restored, so this follows the same lazy
/// deletion). Timeline history files are kept (they are tiny and every later timeline needs them);
/// with no base backup left nothing is removed. Pure, so it is tested without a destination.
package enum WALRetention {
    /// The first segment that must be kept, as a segment number with its timeline; nil keeps everything.
    package static func cutoff(_ backups: [BackupRecord]) -> (timeline: UInt32, number: UInt64)? {
        let kept = backups.filter { $0.retention != .purged && $0.status != .failed }.compactMap(\.wal)
        guard let oldest = kept.min(by: { $0.start < $1.start }),
            let name = WALFileName(WALFileName.segment(timeline: oldest.timeline, holding: oldest.start)),
            let number = name.segmentNumber()
        else { return nil }
        return (oldest.timeline, number)
    }

    /// The files among `names` that the cutoff leaves unneeded.
    package static func removable(_ names: [String], cutoff: (timeline: UInt32, number: UInt64)) -> [WALFileName] {
        names.compactMap(WALFileName.init).filter { file in
            guard file.kind != .history, let n = file.segmentNumber() else { return false }
            return n < cutoff.number && file.timeline <= cutoff.timeline
        }
    }
}
