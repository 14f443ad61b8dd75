import LifeboatCore

/// Passes bytes on while counting them: restore reports how many plaintext bytes reached the target.
package final class CountingTee: ByteSink {
    package let next: ByteSink
    package private(set) var count: Int64 = 0

    package init(next: ByteSink) { self.next = next }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        count += Int64(bytes.count)
        try next.write(bytes)
    }

    package func finish() throws { try next.finish() }
}
