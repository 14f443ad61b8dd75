/// A place that holds backup objects by key: a local directory, an S3 bucket, a second provider.
///
/// The interface is small and its behaviour written down so that one test suite can hold every
/// implementation to it, and so retry and circuit-breaker wrappers fit any of them:
/// - `put` makes the object appear whole or not at all (never a partial object under `key`);
/// - `read` streams the object from `offset` to its end into `consumer`;
/// - `size` is nil when the object does not exist;
/// - `list` returns every key that starts with `prefix`, in no particular order;
/// - `listFolders` returns the names of the folders directly under `prefix` (which is empty or ends
///   with `/`): the part of each key after `prefix` up to the next `/`, once each, in no particular
///   order; one request where the store can group keys (S3's `delimiter`), so a reader walking the
///   tree pays one listing per level, not one per object;
/// - `remove` of a missing object is not an error.
/// Failures are thrown as `StorageError`, which says whether a retry can help.
package protocol Destination: Sendable {
    /// The destination's name in the policy, for messages and the catalog.
    var name: String { get }
    func put(_ key: String, fromFile path: String) async throws
    /// `put(_:fromFile:)` of a file whose sha256 (lowercase hex) the caller has already checked: nothing
    /// hashes it again, and a store that checks a body on arrival (S3: `x-amz-content-sha256` and
    /// `x-amz-checksum-sha256`) refuses one that does not match it instead of keeping it.
    func put(_ key: String, fromFile path: String, sha256: String) async throws
    func put(_ key: String, bytes: [UInt8]) async throws
    @discardableResult
    func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws -> Int64
    func size(_ key: String) async throws -> Int64?
    func list(prefix: String) async throws -> [String]
    func listFolders(prefix: String) async throws -> [String]
    func remove(_ key: String) async throws
    /// `put(_:bytes:)` with short text fields stored with the object where the store keeps such fields
    /// (S3 user metadata, `x-amz-meta-<name>`); a store that keeps none writes the bytes alone. A reader
    /// must never depend on the fields: they only save a request where they are there.
    func put(_ key: String, bytes: [UInt8], metadata: [String: String]) async throws
    /// `read` that also answers the fields stored with the object (empty where the store keeps none).
    func readWithMetadata(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void)
        async throws -> [String: String]
}

extension Destination {
    package func put(_ key: String, fromFile path: String, sha256: String) async throws {
        try await put(key, fromFile: path)
    }

    package func put(_ key: String, bytes: [UInt8], metadata: [String: String]) async throws {
        try await put(key, bytes: bytes)
    }

    package func readWithMetadata(
        _ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> [String: String] {
        try await read(key, offset: offset, consumer: consumer)
        return [:]
    }

    /// Reads a whole (small) object, such as a manifest, into memory.
    package func readAll(_ key: String) async throws -> [UInt8] {
        var out: [UInt8] = []
        try await read(key, offset: 0) { out.append(contentsOf: $0) }
        return out
    }
}

/// Why a destination operation failed, and whether trying again can help.
package struct StorageError: Error, CustomStringConvertible, Sendable {
    package enum Kind: Sendable, Equatable {
        /// The object is not there.
        case notFound
        /// Retrying will not help: refused credentials, a bad request, a full or read-only disk.
        case permanent
        /// Retrying may help: a connection error, a timeout, a 5xx, throttling.
        case transient
    }

    package let kind: Kind
    package let destination: String
    package let message: String

    package init(_ kind: Kind, destination: String, _ message: String) {
        self.kind = kind
        self.destination = destination
        self.message = message
    }

    package var isNotFound: Bool { kind == .notFound }
    package var isPermanent: Bool { kind == .permanent }
    package var description: String { "destination \(destination): \(message)" }
}
