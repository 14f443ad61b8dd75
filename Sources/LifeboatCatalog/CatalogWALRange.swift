import GRDB
import LifeboatCore

/// How a base backup's WAL range sits in the `backup` table: three columns, the positions as 64-bit
/// integers so SQL can compare them. All three are set or none is.
enum CatalogWALRange {
    static func values(_ wal: BaseBackupWAL?) -> [DatabaseValueConvertible?] {
        guard let wal else { return [nil, nil, nil] }
        return [Int64(wal.timeline), Int64(bitPattern: wal.start.value), Int64(bitPattern: wal.stop.value)]
    }

    static func read(_ row: Row) -> BaseBackupWAL? {
        guard let timeline = row["wal_timeline"] as Int64?, let start = row["wal_start_lsn"] as Int64?,
            let stop = row["wal_stop_lsn"] as Int64?, let t = UInt32(exactly: timeline)
        else { return nil }
        return BaseBackupWAL(
            timeline: t, start: PostgresLSN(UInt64(bitPattern: start)), stop: PostgresLSN(UInt64(bitPattern: stop)))
    }
}
