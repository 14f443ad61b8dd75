import LifeboatDigest
import LifeboatStorage

/// An object's size and sha256 as read back from a destination.
struct ObjectDigest: Equatable {
    let size: Int64
    let sha256: String
}

extension Destination {
    /// Streams an object, hashing it, and hands each piece to `consumer` too: what restore and
    /// verify both do to check a chunk against the catalog.
    func readDigest(_ key: String, consumer: (UnsafeRawBufferPointer) throws -> Void = { _ in }) async throws
        -> ObjectDigest
    {
        var hasher = SHA256Hasher()
        var size: Int64 = 0
        try await read(key, offset: 0) { bytes in
            hasher.update(bytes)
            size += Int64(bytes.count)
            try consumer(bytes)
        }
        return ObjectDigest(size: size, sha256: hasher.finalize().hexString)
    }
}
