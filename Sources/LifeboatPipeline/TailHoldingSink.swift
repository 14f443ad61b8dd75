import LifeboatCore

/// Passes a stream on but keeps its last `holdBack` bytes until `finish`, so the next stage never
/// sees the end of the stream before the stage in front has verified it (the OpenPGP MDC is
/// checked only at the end). A loader such as pg_restore cannot complete a load without the tail.
package final class TailHoldingSink: ByteSink {
    private let next: ByteSink
    private let holdBack: Int
    private var tail: [UInt8] = []

    package init(next: ByteSink, holdBack: Int = 1 << 20) {
        self.next = next
        self.holdBack = max(1, holdBack)
        tail.reserveCapacity(2 * self.holdBack)
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        tail.append(contentsOf: bytes)
        if tail.count > 2 * holdBack {
            let release = tail.count - holdBack
            try tail.withUnsafeBytes { try next.write(UnsafeRawBufferPointer(rebasing: $0[0..<release])) }
            tail.removeFirst(release)
        }
    }

    package func finish() throws {
        try next.write(tail)
        tail = []
        try next.finish()
    }
}
