import Foundation
import LifeboatCore
import LifeboatDigest

/// The last stage of a backup's pipeline: cuts the ciphertext into chunks of a fixed size and writes
/// each to the spool under a temporary name, fsynced and renamed, with its sha256.
///
/// Only ciphertext reaches it, so nothing readable ever lands on the host's disk.
public final class ChunkSpooler: ByteSink {
    public let directory: String
    public let chunkSize: Int64
    public private(set) var chunks: [Manifest.Chunk] = []
    public private(set) var bytesOut: Int64 = 0

    private var fd: Int32 = -1
    private var current: Int64 = 0
    private var hasher: SHA256Hasher?
    private var tempPath = ""

    /// The most this backup may add to the spool; past it writing fails instead of filling the disk.
    public let maxBytes: Int64?

    /// Creates `directory` (mode 0700) if needed; chunk files are named as the contract says.
    public init(directory: String, chunkSize: Int64, maxBytes: Int64? = nil) throws {
        precondition(chunkSize > 0)
        self.directory = directory
        self.chunkSize = chunkSize
        self.maxBytes = maxBytes
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LifeboatError.failed("cannot create spool directory \(directory): \(error.localizedDescription)")
        }
    }

    deinit {
        if fd >= 0 {
            close(fd)
            unlink(tempPath)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let maxBytes, bytesOut + Int64(bytes.count) > maxBytes {
            throw LifeboatError.failed(
                "spool: this backup would take the spool past spool_max (room left: \(ByteSize(bytes: max(0, maxBytes))))",
                hint: "let the spool drain to the destinations, or raise spool_max")
        }
        var offset = 0
        while offset < bytes.count {
            if fd < 0 { try openChunk() }
            let room = Int(min(Int64(bytes.count - offset), chunkSize - current))
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + room)])
            try writeAll(slice)
            hasher?.update(slice)
            current += Int64(room)
            bytesOut += Int64(room)
            offset += room
            if current == chunkSize { try closeChunk() }
        }
    }

    public func finish() throws {
        if fd >= 0 || chunks.isEmpty {
            if fd < 0 { try openChunk() }
            try closeChunk()
        }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    private func openChunk() throws {
        let name = Manifest.chunkName(chunks.count)
        tempPath = "\(directory)/\(name).tmp"
        fd = try ExclusiveFile.create(tempPath, replacingLeftover: true)
        current = 0
        hasher = SHA256Hasher()
    }

    private func closeChunk() throws {
        let name = Manifest.chunkName(chunks.count)
        guard fsync(fd) == 0 else { throw failure("cannot sync", tempPath) }
        close(fd)
        fd = -1
        CrashPoint.hit("spool.chunk-synced")
        guard rename(tempPath, "\(directory)/\(name)") == 0 else { throw failure("cannot rename", tempPath) }
        CrashPoint.hit("spool.chunk-renamed")
        let digest = hasher.take()?.finalize() ?? []
        chunks.append(Manifest.Chunk(name: name, size: current, sha256: digest.hexString))
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write", tempPath)
            }
            offset += n
        }
    }

    private func failure(_ what: String, _ path: String) -> LifeboatError {
        LifeboatError.failed("spool: \(what) \(path): \(String(cString: strerror(errno)))")
    }
}
