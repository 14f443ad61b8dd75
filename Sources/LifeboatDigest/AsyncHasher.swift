import Dispatch
import Foundation
import Synchronization

/// A fixed-size byte buffer that moves between the stream thread and the hashing thread.
///
/// Raw memory the compiler cannot follow: the stream thread fills it before queueing a hash of it and
/// takes it back only through `AsyncHasher.takeBuffer` after `recycle`, which the serial hash queue
/// runs after every hash queued before it, so the two threads never touch it at the same time.
package final class ChunkBuffer: @unchecked Sendable {
    package let pointer: UnsafeMutableRawPointer
    package let capacity: Int

    package init(capacity: Int) {
        self.capacity = capacity
        pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit { pointer.deallocate() }

    package func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: pointer + range.lowerBound, count: range.count)
    }
}

/// Computes a digest (the SHA-1 MDC) on a second thread while the stream thread runs AES, in stream order.
///
/// Buffers come from a small pool: `takeBuffer` blocks while all are in flight, so memory stays bounded;
/// `recycle` returns one after every job queued before it has hashed it.
package final class AsyncHasher: Sendable {
    /// Only the serial queue uses it; the mutex (never contended) lets the compiler see that.
    private let hasher: Mutex<DigestHasher>
    private let queue = DispatchQueue(label: "lifeboat.crypto.hash")
    private let available: DispatchSemaphore
    private let pool = Mutex<[ChunkBuffer]>([])
    package let bufferSize: Int

    package init(_ algorithm: DigestAlgorithm, bufferSize: Int, buffers: Int = 3) {
        hasher = Mutex(DigestHasher(algorithm))
        self.bufferSize = bufferSize
        // Start at zero and signal: libdispatch traps when a semaphore is freed below its initial value,
        // which would happen whenever a stream is dropped while holding a buffer.
        available = DispatchSemaphore(value: 0)
        for _ in 0..<buffers { available.signal() }
    }

    package func takeBuffer() -> ChunkBuffer {
        available.wait()
        return pool.withLock { $0.popLast() } ?? ChunkBuffer(capacity: bufferSize)
    }

    /// Hashes part of a pooled buffer; the caller must not change it before recycling it.
    package func hash(_ buffer: ChunkBuffer, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        queue.async { self.hasher.withLock { $0.update(buffer.bytes(range)) } }
    }

    /// Hashes a copy of small bytes (headers, held-back tails).
    package func hash(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        queue.async { self.hasher.withLock { $0.update(bytes) } }
    }

    package func hash(_ bytes: UnsafeRawBufferPointer) { hash(Array(bytes)) }

    package func recycle(_ buffer: ChunkBuffer) {
        queue.async {
            self.pool.withLock { $0.append(buffer) }
            self.available.signal()
        }
    }

    /// Waits for every queued job and returns the digest.
    package func finalize() -> [UInt8] {
        queue.sync { hasher.withLock { $0.finalize() } }
    }
}
