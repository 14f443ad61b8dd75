import Synchronization

/// A stage of a streaming pipeline: it takes bytes in order, passes them on, and flushes on `finish`.
///
/// Every filter (compress, encrypt, hash, chunk) and every final consumer (a file, a tar extractor)
/// is a `ByteSink`, so stages compose without knowing each other and memory stays bounded.
package protocol ByteSink: AnyObject {
    /// Takes the next bytes of the stream. The buffer is only valid during the call.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Ends the stream: flushes what is buffered and finishes the next stage.
    func finish() throws
}

extension ByteSink {
    /// Convenience for callers that hold an array.
    package func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// A sink that keeps everything in memory: for tests and small messages only.
package final class MemorySink: ByteSink, Sendable {
    private let state = Mutex<(bytes: [UInt8], finished: Bool)>(([], false))

    package init() {}

    /// Everything written so far.
    package var bytes: [UInt8] { state.withLock { $0.bytes } }
    /// Whether `finish` was called.
    package var finished: Bool { state.withLock { $0.finished } }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        state.withLock { $0.bytes.append(contentsOf: bytes) }
    }

    package func finish() throws {
        state.withLock { $0.finished = true }
    }
}

/// A sink that discards what it gets but counts it: for benchmarks and size-only passes.
package final class CountingSink: ByteSink {
    package private(set) var count: Int64 = 0
    package init() {}
    package func write(_ bytes: UnsafeRawBufferPointer) throws { count += Int64(bytes.count) }
    package func finish() throws {}
}
