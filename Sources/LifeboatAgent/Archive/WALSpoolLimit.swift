import Foundation
import LifeboatConfig
import LifeboatCore

/// `spool_max` for archived WAL. While a destination is down, sealed files wait in the spool; once the
/// spool holds `spool_max`, `wal-push` first tries to ship what waits and, when that frees nothing,
/// refuses the new file (exit 1) before writing anything. PostgreSQL then keeps the segment in
/// `pg_wal` and calls again: no segment is ever dropped, the disk of the spool does not fill, and
/// `pg_wal` grows instead (where PostgreSQL's own monitoring sees it).
package enum WALSpoolLimit {
    /// The refusal of `file` when the spool holds `used` bytes of `limit`; nil when there is room.
    package static func refusal(file: String, used: Int64, limit: Int64) -> LifeboatError? {
        guard used >= limit else { return nil }
        return LifeboatError.failed(
            "wal-push: spool_max \(ByteSize(bytes: limit)) reached: the spool holds \(ByteSize(bytes: used)) not yet at every destination; \(file) is not archived (PostgreSQL keeps it and calls again)"
        )
    }

    /// Makes room for `file` in a full spool by shipping what waits, or throws the refusal.
    package static func makeRoom(for file: WALFileName, agent: AgentConfig, shipper: WALShipper) async throws {
        guard let limit = agent.spoolMax?.bytes, SpaceProbe.spoolBytes(agent.spool) >= limit else { return }
        // A pass under way (a run's) frees what it ships: wait for it rather than refuse at once.
        _ = await shipper.ship(waiting: true)
        if let refusal = refusal(file: file.name, used: SpaceProbe.spoolBytes(agent.spool), limit: limit) {
            throw refusal
        }
    }
}
