import LifeboatCore
import LifeboatDigest
import LifeboatS3
import LifeboatStorage

/// Finding the bytes a backup wrote under an object that was since overwritten or deleted: on a
/// versioned bucket the earlier versions are still there, and the catalog's sha256 says which is ours.
enum IntactVersion {
    /// Earlier versions read at most per object, so a key with a long history cannot hold a reader.
    static let maximumTried = 10

    /// The newest version of `key` other than the current one whose size and sha256 are the expected
    /// ones; `read` streams a candidate version to wherever the caller wants it and returns its digest.
    static func find(
        _ key: String, at destination: VersionRecoveringDestination, size: Int64, sha256: String,
        read: (ObjectVersion) async throws -> ObjectDigest
    ) async throws -> ObjectVersion? {
        let versions = try await destination.history.versions(of: key)
        let candidates = versions.filter { !$0.isDeleteMarker && !$0.isLatest && $0.size == size }
        for version in candidates.prefix(maximumTried) {
            let found = try await read(version)
            if found.size == size && found.sha256 == sha256 { return version }
        }
        return nil
    }

    /// Streams one version, hashing it, and hands each piece to `consumer` too.
    static func readDigest(
        _ key: String, version: String, from history: VersionHistory,
        consumer: (UnsafeRawBufferPointer) throws -> Void = { _ in }
    ) async throws -> ObjectDigest {
        var hasher = SHA256Hasher()
        var size: Int64 = 0
        try await history.read(key, version: version, offset: 0) { bytes in
            hasher.update(bytes)
            size += Int64(bytes.count)
            try consumer(bytes)
        }
        return ObjectDigest(size: size, sha256: hasher.finalize().hexString)
    }

    /// "locked until …" for one version, when the store is S3 and says; empty otherwise.
    static func lockText(_ key: String, version: String, at destination: VersionRecoveringDestination) async -> String {
        guard let s3 = destination.history as? S3Destination,
            let r = try? await s3.retention(key, version: version)
        else { return "" }
        return " (locked until \(Timestamp.iso8601(r.until)))"
    }
}
