import Foundation
import LifeboatCatalog
import LifeboatCore

/// Which physical base backup a point-in-time restore starts from: the newest one that ended before
/// the target (its finish time for `--until`, its stop LSN for `--until-lsn`); the newest for
/// `--latest` and `--until-xid` (a transaction id says nothing of when it ran). A pure function of
/// the catalog's records, so the choice is tested without servers.
package enum BaseBackupChoice {
    /// `candidates`: the policy's backups that reached a destination.
    package static func pick(_ candidates: [BackupRecord], for target: PointInTimeTarget) throws -> BackupRecord {
        let bases = candidates.filter { $0.wal != nil && $0.finished != nil }
            .sorted { ($0.finished ?? .distantPast) > ($1.finished ?? .distantPast) }
        guard let newest = bases.first, let oldest = bases.last else {
            throw LifeboatError.failed(
                "no physical base backup has been shipped: a point-in-time restore starts from one",
                hint: "lifeboat backup POLICY makes one (source.method: physical)")
        }
        let chosen: BackupRecord?
        switch target {
        case .latest, .xid:
            chosen = newest
        case .time(let t):
            chosen = bases.first { ($0.finished ?? .distantFuture) <= t }
        case .lsn(let lsn):
            chosen = bases.first { ($0.wal?.stop ?? PostgresLSN(UInt64.max)) <= lsn }
        }
        guard let chosen else {
            let from =
                switch target {
                case .lsn: oldest.wal.map { "WAL position \($0.stop)" } ?? "-"
                default: oldest.finished.map(Timestamp.iso8601) ?? "-"
                }
            throw LifeboatError(
                .usage,
                "the target is before the oldest base backup (\(oldest.id)); the possible range starts at \(from) and ends with the newest archived WAL"
            )
        }
        return chosen
    }
}
