import Foundation

/// One version of an object in a store that keeps them (a versioned S3 bucket): a real version with its
/// bytes, or a delete marker that only hides the versions below it.
package struct ObjectVersion: Sendable, Equatable {
    package var id: String
    package var isDeleteMarker: Bool
    /// The object's current version (what a plain GET reads, or the marker that makes it "missing").
    package var isLatest: Bool
    /// Bytes; nil for a delete marker.
    package var size: Int64?
    /// When it was written, as the store says (nil when it did not say in a form we read).
    package var lastModified: Date?

    package init(id: String, isDeleteMarker: Bool, isLatest: Bool, size: Int64? = nil, lastModified: Date? = nil) {
        self.id = id
        self.isDeleteMarker = isDeleteMarker
        self.isLatest = isLatest
        self.size = size
        self.lastModified = lastModified
    }

    /// Newest first: the current one, then by time written, then in the order the store listed them
    /// (S3 lists newest first within a key; some servers list every version before every marker).
    package static func newestFirst(_ versions: [ObjectVersion]) -> [ObjectVersion] {
        versions.enumerated().sorted { a, b in
            if a.element.isLatest != b.element.isLatest { return a.element.isLatest }
            let ta = a.element.lastModified ?? .distantPast
            let tb = b.element.lastModified ?? .distantPast
            if ta != tb { return ta > tb }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// A store that keeps every version of an object, so an object deleted or overwritten through the
/// ordinary interface can still be read: what lets a backup survive whoever took the host.
///
/// Kept apart from `Destination` so the drivers without versions need not know of it.
package protocol VersionHistory: Sendable {
    /// The versions of exactly `key`, newest first; empty when the store has none.
    func versions(of key: String) async throws -> [ObjectVersion]
    /// Streams one version of `key` from `offset` to its end into `consumer`.
    @discardableResult
    func read(_ key: String, version: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void)
        async throws -> Int64
    /// Every key under `prefix` with at least one real version, current or hidden, in no particular order.
    func recoverableKeys(prefix: String) async throws -> [String]
    /// Removes one version for good (only the purging machine's credentials may).
    func removeVersion(_ key: String, version: String) async throws
}
