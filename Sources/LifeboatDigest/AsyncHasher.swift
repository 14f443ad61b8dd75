import Dispatch
import Foundation

/// A fixed-size byte buffer that moves between the stream thread and the hashing thread.
public final class ChunkBuffer: @unchecked Sendable {
    public let pointer: UnsafeMutableRawPointer
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = capacity
        pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit { pointer.deallocate() }

    public func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: pointer + range.lowerBound, count: range.count)
    }
}

/// Computes a digest (the SHA-1 MDC) on a second thread while the stream thread runs AES, in stream order.
///
/// Buffers come from a small pool: `takeBuffer` blocks while all are in flight, so memory stays bounded;
/// `recycle` returns one after every job queued before it has hashed it.
public final class AsyncHasher: @unchecked Sendable {
    private let hasher: DigestHasher
    private let queue = DispatchQueue(label: "lifeboat.crypto.hash")
    private let available: DispatchSemaphore
    private let lock = NSLock()
    private var pool: [ChunkBuffer] = []
    public let bufferSize: Int

    public init(_ algorithm: DigestAlgorithm, bufferSize: Int, buffers: Int = 3) {
        hasher = DigestHasher(algorithm)
        self.bufferSize = bufferSize
        // Start at zero and signal: libdispatch traps when a semaphore is freed below its initial value,
        // which would happen whenever a stream is dropped while holding a buffer.
        available = DispatchSemaphore(value: 0)
        for _ in 0..<buffers { available.signal() }
    }

    public func takeBuffer() -> ChunkBuffer {
        available.wait()
        lock.lock()
        defer { lock.unlock() }
        return pool.popLast() ?? ChunkBuffer(capacity: bufferSize)
    }

    /// Hashes part of a pooled buffer; the caller must not change it before recycling it.
    public func hash(_ buffer: ChunkBuffer, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        queue.async { self.hasher.update(buffer.bytes(range)) }
    }

    /// Hashes a copy of small bytes (headers, held-back tails).
    public func hash(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        queue.async { self.hasher.update(bytes) }
    }

    public func hash(_ bytes: UnsafeRawBufferPointer) { hash(Array(bytes)) }

    public func recycle(_ buffer: ChunkBuffer) {
        queue.async {
            self.lock.lock()
            self.pool.append(buffer)
            self.lock.unlock()
            self.available.signal()
        }
    }

    /// Waits for every queued job and returns the digest.
    public func finalize() -> [UInt8] {
        queue.sync { hasher.finalize() }
    }
}
