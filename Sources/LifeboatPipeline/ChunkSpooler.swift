import Foundation
import LifeboatCore
import LifeboatDigest

/// The last stage of a backup's pipeline: cuts the ciphertext into chunks of a fixed size and writes
/// each to the spool under a temporary name, fsynced and renamed, with its sha256.
///
/// Only ciphertext reaches it, so nothing readable ever lands on the host's disk.
package final class ChunkSpooler: ByteSink {
    package let directory: String
    package let chunkSize: Int64
    package private(set) var chunks: [Manifest.Chunk] = []
    package private(set) var bytesOut: Int64 = 0

    /// The chunk being written, under its temporary name until it is full.
    private var file: AtomicFile?
    private var current: Int64 = 0
    private var hasher: SHA256Hasher?

    /// The most this backup may add to the spool; past it writing fails instead of filling the disk.
    package let maxBytes: Int64?

    /// Creates `directory` (mode 0700) if needed; chunk files are named as the contract says.
    package init(directory: String, chunkSize: Int64, maxBytes: Int64? = nil) throws {
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

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let maxBytes, bytesOut + Int64(bytes.count) > maxBytes {
            throw LifeboatError.failed(
                "spool: this backup would take the spool past spool_max (room left: \(ByteSize(bytes: max(0, maxBytes))))",
                hint: "let the spool drain to the destinations, or raise spool_max")
        }
        var offset = 0
        while offset < bytes.count {
            if file == nil { try openChunk() }
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

    package func finish() throws {
        if file != nil || chunks.isEmpty {
            if file == nil { try openChunk() }
            try closeChunk()
        }
        AtomicFile.syncFolder(directory)
    }

    private func openChunk() throws {
        let name = Manifest.chunkName(chunks.count)
        let tempPath = "\(directory)/\(name).tmp"
        do {
            file = try AtomicFile(path: "\(directory)/\(name)", temporaryPath: tempPath, replacingLeftover: true)
        } catch {
            throw ExclusiveFile.creationFailure(tempPath, code: error.error.code)
        }
        current = 0
        hasher = SHA256Hasher()
    }

    private func closeChunk() throws {
        guard let file else { return }
        let name = Manifest.chunkName(chunks.count)
        do {
            try file.sync()
            CrashPoint.hit("spool.chunk-synced")
            try file.rename()
        } catch {
            throw failure(error)
        }
        self.file = nil
        CrashPoint.hit("spool.chunk-renamed")
        let digest = hasher.take()?.finalize() ?? []
        chunks.append(Manifest.Chunk(name: name, size: current, sha256: digest.hexString))
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try file?.write(bytes)
        } catch {
            throw failure(error)
        }
    }

    /// The spool's wording of a failed step: the temporary chunk file it concerned and the reason.
    private func failure(_ failure: AtomicFile.Failure) -> LifeboatError {
        LifeboatError.failed(
            "spool: cannot \(failure.step.rawValue) \(file?.temporaryPath ?? failure.path): \(failure.error.reason)")
    }
}
