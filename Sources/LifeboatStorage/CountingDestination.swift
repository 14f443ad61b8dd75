import Synchronization

/// Any destination, with each request it passes on counted by kind, so a command that promises a bound
/// on its requests (`fleet`: one listing per host and a GET per object) can report what it really made.
package final class CountingDestination: Destination {
    /// Requests made so far, by kind.
    package struct Counts: Sendable, Equatable {
        package var listings = 0
        package var reads = 0
        package var sizes = 0
        package var writes = 0
        package var removals = 0

        package init() {}

        /// Every request together.
        package var total: Int { listings + reads + sizes + writes + removals }
    }

    package let base: Destination
    private let state = Mutex(Counts())

    package init(_ base: Destination) { self.base = base }

    package var name: String { base.name }
    package var counts: Counts { state.withLock { $0 } }

    private func count(_ body: (inout Counts) -> Void) { state.withLock { body(&$0) } }

    package func put(_ key: String, fromFile path: String) async throws {
        count { $0.writes += 1 }
        try await base.put(key, fromFile: path)
    }

    package func put(_ key: String, fromFile path: String, sha256: String) async throws {
        count { $0.writes += 1 }
        try await base.put(key, fromFile: path, sha256: sha256)
    }

    package func put(_ key: String, bytes: [UInt8]) async throws {
        count { $0.writes += 1 }
        try await base.put(key, bytes: bytes)
    }

    @discardableResult
    package func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws
        -> Int64
    {
        count { $0.reads += 1 }
        return try await base.read(key, offset: offset, consumer: consumer)
    }

    package func put(_ key: String, bytes: [UInt8], metadata: [String: String]) async throws {
        count { $0.writes += 1 }
        try await base.put(key, bytes: bytes, metadata: metadata)
    }

    package func readWithMetadata(
        _ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> [String: String] {
        count { $0.reads += 1 }
        return try await base.readWithMetadata(key, offset: offset, consumer: consumer)
    }

    package func size(_ key: String) async throws -> Int64? {
        count { $0.sizes += 1 }
        return try await base.size(key)
    }

    package func list(prefix: String) async throws -> [String] {
        count { $0.listings += 1 }
        return try await base.list(prefix: prefix)
    }

    package func listFolders(prefix: String) async throws -> [String] {
        count { $0.listings += 1 }
        return try await base.listFolders(prefix: prefix)
    }

    package func remove(_ key: String) async throws {
        count { $0.removals += 1 }
        try await base.remove(key)
    }
}
