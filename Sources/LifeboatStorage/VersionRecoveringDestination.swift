import Synchronization

/// A destination in a store that keeps versions, read through delete markers: when an object is
/// missing, its newest real version is read instead, and the recovery is noted so the command can say
/// so. Listings include hidden objects, so a manifest an attacker deleted is still found.
///
/// Writes and removals pass straight through: this wrapper only changes what a reader can find.
package final class VersionRecoveringDestination: Destination {
    /// One object read from a version that is no longer the current one.
    package struct Recovery: Sendable, Equatable {
        package var key: String
        package var version: String
    }

    package let base: Destination
    package let history: VersionHistory
    let retrier: Retrier?
    private let recovered = Mutex<[Recovery]>([])
    /// Told of each recovery as it happens (a log line).
    let onRecovery: @Sendable (Recovery) -> Void

    package init(
        _ base: Destination, history: VersionHistory, retrier: Retrier? = nil,
        onRecovery: @escaping @Sendable (Recovery) -> Void = { _ in }
    ) {
        self.base = base
        self.history = history
        self.retrier = retrier
        self.onRecovery = onRecovery
    }

    package var name: String { base.name }

    /// Every recovery so far, in the order they happened (each key once).
    package var recoveries: [Recovery] { recovered.withLock { $0 } }

    /// The newest version of `key` that holds bytes, when the current one is a delete marker or absent.
    package func newestRealVersion(_ key: String) async throws -> ObjectVersion? {
        let versions = try await retried("list versions of \(key)") { try await self.history.versions(of: key) }
        return versions.first { !$0.isDeleteMarker }
    }

    private func note(_ key: String, _ version: ObjectVersion) {
        let r = Recovery(key: key, version: version.id)
        let isNew = recovered.withLock { list in
            if list.contains(r) { return false }
            list.append(r)
            return true
        }
        if isNew { onRecovery(r) }
    }

    private func retried<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        guard let retrier else { return try await body() }
        return try await retrier.run(what, body)
    }

    package func put(_ key: String, fromFile path: String) async throws { try await base.put(key, fromFile: path) }
    package func put(_ key: String, fromFile path: String, sha256: String) async throws {
        try await base.put(key, fromFile: path, sha256: sha256)
    }
    package func put(_ key: String, bytes: [UInt8]) async throws { try await base.put(key, bytes: bytes) }

    @discardableResult
    package func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws
        -> Int64
    {
        var delivered: Int64 = 0
        do {
            return try await base.read(key, offset: offset) { bytes in
                try consumer(bytes)
                delivered += Int64(bytes.count)
            }
        } catch let e as StorageError where e.isNotFound && delivered == 0 {
            guard let version = try await newestRealVersion(key) else { throw e }
            note(key, version)
            return try await withoutActuallyEscaping(consumer) { consumer in
                try await retried("get \(key) (\(version.id))") {
                    _ = try await self.history.read(key, version: version.id, offset: offset + delivered) { bytes in
                        try consumer(bytes)
                        delivered += Int64(bytes.count)
                    }
                    return delivered
                }
            }
        }
    }

    package func size(_ key: String) async throws -> Int64? {
        if let size = try await base.size(key) { return size }
        guard let version = try await newestRealVersion(key) else { return nil }
        note(key, version)
        return version.size
    }

    package func list(prefix: String) async throws -> [String] {
        let current = try await base.list(prefix: prefix)
        let hidden = try await retried("list versions under \(prefix)") {
            try await self.history.recoverableKeys(prefix: prefix)
        }
        var seen = Set(current)
        return current + hidden.filter { seen.insert($0).inserted }
    }

    package func listFolders(prefix: String) async throws -> [String] {
        try await base.listFolders(prefix: prefix)
    }

    package func remove(_ key: String) async throws { try await base.remove(key) }
}
