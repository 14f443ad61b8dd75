import Foundation
import LifeboatCore
import Logging

/// Lock → sync → snapshot → unlock, then archive the snapshot at leisure and delete it.
///
/// The lock is let go on every path (errors, a stop signal, a hung snapshot command) and is
/// held at most `maxLock`: when syncing or snapshotting is not done by then, the snapshot is
/// abandoned (its command killed) and the lock released, never the other way round.
package struct SnapshotCoordinator {
    package let provider: SnapshotProvider
    package let lock: DatabaseLock?
    package let maxLock: Duration
    /// The policy whose snapshots these are (see `SnapshotName`).
    package let policy: String
    package let logger: Logger

    package init(provider: SnapshotProvider, lock: DatabaseLock?, maxLock: Duration, policy: String, logger: Logger) {
        self.provider = provider
        self.lock = lock
        self.maxLock = maxLock
        self.policy = policy
        self.logger = logger
    }

    /// What the lock phase produced.
    package struct Taken {
        package var handle: SnapshotHandle
        package var lockWindowMs: Int64?
        package var extraFiles: [(name: String, contents: [UInt8])]
    }

    /// Deletes snapshots a killed run left behind; returns how many.
    @discardableResult
    package func removeLeftovers() -> Int {
        var removed = 0
        for handle in (try? provider.leftovers(policy: policy)) ?? [] {
            do {
                try provider.delete(handle)
                logger.warning("removed snapshot \(handle.ref) left behind by an interrupted run")
                removed += 1
            } catch {
                logger.error("cannot remove leftover snapshot \(handle.ref): \(error)")
            }
        }
        return removed
    }

    /// Runs the whole flow: `archive` gets the path of the snapshot's files and the extra files.
    package func run<T>(id: BackupID, archive: (String, [(name: String, contents: [UInt8])]) throws -> T) throws -> (
        T, Int64?
    ) {
        removeLeftovers()
        let taken = try take(name: SnapshotName.make(policy: policy, id: id))
        defer {
            do { try provider.delete(taken.handle) } catch {
                logger.error("cannot delete snapshot \(taken.handle.ref): \(error); the next run retries")
            }
        }
        let path = try provider.open(taken.handle)
        let result = try archive(path, taken.extraFiles)
        return (result, taken.lockWindowMs)
    }

    /// Lock, sync, snapshot, unlock.
    package func take(name: String) throws -> Taken {
        // Flush most dirty data before locking, so the sync under the lock is short.
        if let p = provider.syncPath { _ = Self.syncFileSystem(p, deadline: .now + .seconds(60)) }
        LockSignalGuard.begin()
        var lockStart: ContinuousClock.Instant?
        var handle: SnapshotHandle?
        var failure: Error?
        var extra: [(name: String, contents: [UInt8])] = []
        do {
            if let lock {
                try lock.acquire(deadline: .now + maxLock)
            }
            let start = ContinuousClock.now
            lockStart = start
            let deadline = start + maxLock
            if let p = provider.syncPath {
                if Self.syncFileSystem(p, deadline: deadline) == false {
                    throw LifeboatError.failed(
                        "syncing \(p) took longer than max_lock (\(maxLock)); snapshot abandoned, lock released")
                }
            }
            do {
                handle = try provider.create(name: name, deadline: deadline)
            } catch {
                if ContinuousClock.now >= deadline {
                    throw LifeboatError.failed(
                        "snapshot took longer than max_lock (\(maxLock)); snapshot abandoned, lock released: \(error)")
                }
                throw error
            }
        } catch {
            failure = error
        }
        var lockWindowMs: Int64?
        if let lock {
            do { try lock.release() } catch { failure = failure ?? error }
            extra = lock.extraFiles
        }
        if let lockStart, lock != nil {
            let d = ContinuousClock.now - lockStart
            lockWindowMs = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        }
        LockSignalGuard.end()
        guard failure == nil, let handle else {
            if let handle { try? provider.delete(handle) }
            removeLeftovers()
            throw failure ?? LifeboatError.failed("snapshot provider returned no snapshot")
        }
        logger.info("snapshot \(handle.ref) taken; lock held \(lockWindowMs.map { "\($0) ms" } ?? "not at all")")
        return Taken(handle: handle, lockWindowMs: lockWindowMs, extraFiles: extra)
    }

    /// syncfs on the file system holding `path`, given up (returns false) at `deadline`.
    static func syncFileSystem(_ path: String, deadline: ContinuousClock.Instant) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return true }
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            GNU.syncfs(fd)
            close(fd)
            done.signal()
        }
        let left = ContinuousClock.now.duration(to: deadline)
        let ns = max(0, left.components.seconds * 1_000_000_000 + left.components.attoseconds / 1_000_000_000)
        return done.wait(timeout: .now() + .nanoseconds(Int(ns))) == .success
    }
}

/// Writes tar entries for files that exist only in memory (PostgreSQL's backup_label) ahead of
/// the archiver's own entries, named inside the snapshot's folder.
package enum SnapshotExtraFiles {
    package static func write(_ files: [(name: String, contents: [UInt8])], under root: String, to sink: ByteSink)
        throws
    {
        let base = String(root.drop { $0 == "/" })
        let now = Int64(Date().timeIntervalSince1970)
        for f in files {
            var h = TarEntryHeader(name: Array((base + "/" + f.name).utf8), kind: .file)
            h.size = Int64(f.contents.count)
            h.mode = 0o600
            h.mtimeSeconds = now
            try sink.write(TarHeaderEncoder.encode(h))
            try sink.write(f.contents)
            try sink.write([UInt8](repeating: 0, count: TarHeaderEncoder.padding(f.contents.count)))
        }
    }
}
