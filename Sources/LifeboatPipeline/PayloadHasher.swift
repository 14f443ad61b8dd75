import LifeboatCore
import LifeboatDigest

/// Hashes the plaintext on its way into gzip, so the manifest can name the payload's own size and
/// sha256: what a restore must produce, checkable after `gpg -d | gunzip` with stock tools.
///
/// The sha256 runs on a thread of its own (`AsyncHasher`), in stream order, so it leaves the producer's
/// thread, which also feeds gzip and encrypts, and uses the core that is idle while that thread
/// encrypts and writes. The plaintext is copied into 1 MiB pooled buffers (small writes, such as tar
/// headers, gather into one buffer); at most four are in flight, so memory stays bounded.
package final class PayloadHasher: ByteSink {
    static let bufferSize = 1 << 20
    private let hasher = AsyncHasher(.sha256, bufferSize: PayloadHasher.bufferSize, buffers: 4)
    private let next: ByteSink
    /// The buffer being filled, and how much of it is.
    private var current: ChunkBuffer?
    private var filled = 0
    /// Plaintext bytes seen so far.
    package private(set) var size: Int64 = 0
    /// The lowercase hex sha256, set once `finish` has run.
    package private(set) var sha256: String?

    package init(next: ByteSink) { self.next = next }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard sha256 == nil else { throw PayloadHasherError.finished }
        if let base = bytes.baseAddress {
            var offset = 0
            while offset < bytes.count {
                let buffer = current ?? hasher.takeBuffer()
                current = buffer
                let n = min(buffer.capacity - filled, bytes.count - offset)
                (buffer.pointer + filled).copyMemory(from: base + offset, byteCount: n)
                filled += n
                offset += n
                if filled == buffer.capacity { flush() }
            }
        }
        size += Int64(bytes.count)
        try next.write(bytes)
    }

    /// Queues the filled part of the current buffer for hashing and hands the buffer back to the pool.
    private func flush() {
        guard let buffer = current else { return }
        hasher.hash(buffer, 0..<filled)
        hasher.recycle(buffer)
        current = nil
        filled = 0
    }

    package func finish() throws {
        if sha256 == nil {
            flush()
            sha256 = hasher.finalize().hexString
        }
        try next.finish()
    }
}

/// Why the payload's digest is not there: the hasher was used after the stream ended, or the
/// producer returned without ending it.
package enum PayloadHasherError: Error, CustomStringConvertible {
    case finished, unfinished
    package var description: String {
        switch self {
        case .finished: "payload hasher used after finish"
        case .unfinished: "the source returned without finishing its stream"
        }
    }
}
