/// The write-ahead log a physical base backup needs: the timeline it was taken on and the WAL
/// positions where it started and stopped. A restore replays at least up to `stop` before the copy is
/// consistent, so this is what point-in-time recovery picks a base backup by. Recorded in the catalog
/// and in the manifest (`wal`).
package struct BaseBackupWAL: Sendable, Equatable, Codable {
    package var timeline: UInt32
    package var start: PostgresLSN
    package var stop: PostgresLSN

    package init(timeline: UInt32, start: PostgresLSN, stop: PostgresLSN) {
        self.timeline = timeline
        self.start = start
        self.stop = stop
    }

    /// Whether the fields could describe a real backup: a timeline from 1, a start not after the stop.
    package var isPlausible: Bool { timeline >= 1 && start <= stop }

    enum CodingKeys: String, CodingKey {
        case timeline
        case start = "start_lsn"
        case stop = "stop_lsn"
    }
}
