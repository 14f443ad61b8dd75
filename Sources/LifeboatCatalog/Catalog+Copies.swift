import Foundation
import GRDB
import LifeboatCore

extension Catalog {
    /// The indexes of the chunks of a backup that a destination already holds.
    package func shippedChunks(id: BackupID, destination: String) throws -> Set<Int> {
        try wrap("read chunk copies") {
            try db.read { db in
                Set(
                    try Int.fetchAll(
                        db, sql: "SELECT idx FROM chunk_copy WHERE backup_id = ? AND destination = ?",
                        arguments: [id, destination]))
            }
        }
    }

    /// Records that a destination holds one chunk of a backup.
    package func recordChunkShipped(id: BackupID, destination: String, index: Int, at: Date) throws {
        try wrap("record chunk copy") {
            try db.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO chunk_copy (backup_id, destination, idx, shipped) VALUES (?, ?, ?, ?)",
                    arguments: [id, destination, index, at.timeIntervalSince1970])
            }
        }
    }

    /// Forgets what a destination holds of a backup (its copy was found damaged or missing).
    package func forgetChunkCopies(id: BackupID, destination: String) throws {
        try wrap("forget chunk copies") {
            try db.write { db in
                try db.execute(
                    sql: "DELETE FROM chunk_copy WHERE backup_id = ? AND destination = ?", arguments: [id, destination])
            }
        }
    }

    /// Drops a backup's copies at destinations its policy no longer names, so shipping stops waiting for
    /// them, and derives its status from the copies left. Nothing is dropped when no copy would be left
    /// (a policy whose destinations were all replaced): a backup with no copy would count as complete.
    /// Returns the destinations dropped.
    package func dropCopies(id: BackupID, keeping named: Set<String>, at: Date) throws -> [String] {
        try wrap("drop copies") {
            try db.write { db in
                let all = try String.fetchAll(
                    db, sql: "SELECT destination FROM copy WHERE backup_id = ? ORDER BY destination", arguments: [id])
                let gone = all.filter { !named.contains($0) }
                guard !gone.isEmpty, gone.count < all.count else { return [] }
                for d in gone {
                    try db.execute(
                        sql: "DELETE FROM chunk_copy WHERE backup_id = ? AND destination = ?", arguments: [id, d])
                    try db.execute(sql: "DELETE FROM copy WHERE backup_id = ? AND destination = ?", arguments: [id, d])
                }
                try Self.deriveStatus(db, id: id, at: at)
                return gone
            }
        }
    }

    /// Live backups that still wait for some destination (pending or degraded), oldest first, of every policy.
    package func backupsWaitingToShip() throws -> [(id: BackupID, policy: String)] {
        try wrap("read backups waiting to ship") {
            try db.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, policy FROM backup
                        WHERE retention = 'live' AND status IN ('pending', 'degraded') AND chunk_count > 0
                        ORDER BY started
                        """
                ).map { (id: $0["id"], policy: $0["policy"]) }
            }
        }
    }
}
