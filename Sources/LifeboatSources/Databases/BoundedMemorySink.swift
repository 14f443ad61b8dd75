import LifeboatCore

/// Collects a small stream in memory, refusing one longer than `limit`.
final class BoundedMemorySink: ByteSink {
    private(set) var bytes: [UInt8] = []
    let limit: Int
    let what: String

    init(limit: Int, what: String) {
        self.limit = limit
        self.what = what
    }

    func write(_ chunk: UnsafeRawBufferPointer) throws {
        guard bytes.count + chunk.count <= limit else {
            throw LifeboatError.failed("\(what) is larger than \(ByteSize(bytes: Int64(limit)))")
        }
        bytes.append(contentsOf: chunk)
    }

    func finish() throws {}
}
