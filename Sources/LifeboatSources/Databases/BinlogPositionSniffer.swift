import LifeboatCore
import Synchronization

/// Passes a dump through unchanged while it reads the binary log position `--master-data=2` writes
/// into the dump's first lines. Only the first 64 KiB are looked at: the comment comes before any data.
package final class BinlogPositionSniffer: ByteSink {
    static let window = 64 * 1024
    let next: ByteSink
    private var head: [UInt8] = []
    private var found: BinlogPosition?
    private var done = false

    package init(next: ByteSink) { self.next = next }

    /// The position the dump named; nil when it named none (it is read as the bytes pass).
    package var position: BinlogPosition? { found }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        if !done {
            head.append(contentsOf: bytes.prefix(Self.window - head.count))
            scan(final: head.count >= Self.window)
        }
        try next.write(bytes)
    }

    package func finish() throws {
        if !done { scan(final: true) }
        try next.finish()
    }

    /// Looks at each complete line of what is held; stops at the first position line or the window's end.
    private func scan(final: Bool) {
        let text = String(decoding: head, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if !final { lines = lines.dropLast() }
        for line in lines {
            if let p = BinlogPosition.parse(changeMasterLine: line) {
                found = p
                break
            }
        }
        if found != nil || final {
            done = true
            head = []
        }
    }
}
