import Foundation
import LifeboatCatalog
import LifeboatCore

/// Which archived WAL prune may remove: what no base backup still at the destinations (live, deleted
/// or soft-deleted: anything not yet purged could still be restored, so this follows the same lazy
/// deletion) needs. A base backup needs the segments of its own timeline from the one holding its
/// start, and every later timeline (a server restored from it promotes to one); nothing of an older
/// timeline, whose switch lies before its start. So a segment (or backup history or `.partial` file)
/// goes when, for every kept base backup, it is of an older timeline or of the same timeline before
/// its start. Timeline history files are kept (they are tiny and every later timeline needs them);
/// with no base backup left nothing is removed. Pure, so it is tested without a destination.
package enum WALRetention {
    /// The first segment each kept base backup needs, as a segment number with its timeline; empty
    /// keeps everything.
    package static func starts(_ backups: [BackupRecord]) -> [(timeline: UInt32, number: UInt64)] {
        backups.filter { $0.retention != .purged && $0.status != .failed }.compactMap(\.wal).compactMap { wal in
            WALFileName(WALFileName.segment(timeline: wal.timeline, holding: wal.start))?.segmentNumber()
                .map { (wal.timeline, $0) }
        }
    }

    /// The files among `names` that no kept base backup (`starts`) needs.
    package static func removable(_ names: [String], starts: [(timeline: UInt32, number: UInt64)]) -> [WALFileName] {
        guard !starts.isEmpty else { return [] }
        return names.compactMap(WALFileName.init).filter { file in
            guard file.kind != .history, let n = file.segmentNumber() else { return false }
            return starts.allSatisfy { file.timeline < $0.timeline || (file.timeline == $0.timeline && n < $0.number) }
        }
    }
}
