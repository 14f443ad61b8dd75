import Foundation
import GRDB
import LifeboatCore

/// Opens a catalog file (the backup host's or the recovery host's): its folder made if missing, WAL mode,
/// a busy timeout, and the schema brought up to date under the open lock, so two processes opening a new
/// file at once do not race to migrate it.
enum CatalogFile {
    static func open(path: String, what: String, migrator: DatabaseMigrator, foreignKeys: Bool) throws
        -> DatabaseQueue
    {
        do {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            }
            var config = Configuration()
            config.journalMode = .wal
            config.busyMode = .timeout(30)
            config.foreignKeysEnabled = foreignKeys
            return try Catalog.whileHoldingOpenLock(path) {
                let queue = try DatabaseQueue(path: path, configuration: config)
                try migrator.migrate(queue)
                return queue
            }
        } catch let e as LifeboatError {
            throw e
        } catch {
            throw LifeboatError(.state, "\(what) \(path): cannot open: \(error)")
        }
    }

    /// Runs a catalog operation; anything but a `LifeboatError` becomes one line naming the file and
    /// the operation (exit 1, or 3 for `check`).
    static func wrap<T>(_ file: String, _ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as LifeboatError {
            throw e
        } catch {
            throw LifeboatError(.state, "\(file): \(what): \(error)")
        }
    }
}
