import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatDigest
import LifeboatStorage

/// The two checks a chunk passes on its way out, against the size and sha256 the catalog recorded
/// when it was spooled: the spool's copy before it is sent (a chunk damaged on the host's disk must
/// not be shipped and called complete), and, at a local destination, the copy as it landed (read back
/// after the destination's fsync), before the chunk counts as shipped.
enum ChunkCheck {
    /// Hashes the spool file; throws a permanent error naming the chunk when it is not what was spooled.
    static func spooled(_ path: String, _ chunk: Manifest.Chunk, destination: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StorageError(
                .permanent, destination: destination,
                "cannot read \(chunk.name) in the spool: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var hasher = SHA256Hasher()
        var size: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            do {
                n = try FileDescriptorIO.read(fd, into: buffer)
            } catch {
                throw StorageError(
                    .permanent, destination: destination,
                    "cannot read \(chunk.name) in the spool: \(error.reason)")
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            size += Int64(n)
        }
        let digest = hasher.finalize().hexString
        guard size == chunk.size, digest == chunk.sha256 else {
            throw StorageError(
                .permanent, destination: destination,
                damaged(chunk, "in the spool", size: size, sha256: digest)
                    + "; not shipped (the spool's disk may be failing)")
        }
    }

    /// Reads back what a local destination now holds under `key`; a copy that differs is removed and
    /// the chunk fails.
    static func landed(_ destination: Destination, key: String, _ chunk: Manifest.Chunk) async throws {
        let found = try await destination.readDigest(key)
        guard found.size != chunk.size || found.sha256 != chunk.sha256 else { return }
        try? await destination.remove(key)
        throw StorageError(
            .permanent, destination: destination.name,
            damaged(chunk, "as written", size: found.size, sha256: found.sha256) + "; removed")
    }

    static func damaged(_ chunk: Manifest.Chunk, _ place: String, size: Int64, sha256: String) -> String {
        "\(chunk.name) is damaged \(place): size \(size), sha256 \(sha256.prefix(12))…, "
            + "expected size \(chunk.size), sha256 \(chunk.sha256.prefix(12))…"
    }
}
