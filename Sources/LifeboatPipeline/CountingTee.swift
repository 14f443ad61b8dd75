import LifeboatCore

/// Passes bytes on while counting them: restore reports how many plaintext bytes reached the target.
public final class CountingTee: ByteSink {
    public let next: ByteSink
    public private(set) var count: Int64 = 0

    public init(next: ByteSink) { self.next = next }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        count += Int64(bytes.count)
        try next.write(bytes)
    }

    public func finish() throws { try next.finish() }
}
