import LifeboatCore

/// Passes a tar stream on unchanged while keeping the last bytes of a few named members: what a
/// source needs to learn from its own archive (pg_basebackup's `backup_label` and `backup_manifest`)
/// without a second read. Memory stays bounded: at most `limit` bytes per member are kept.
package final class TarMemberCapture: ByteSink, TarEntryConsumer {
    private let next: ByteSink
    private var parser: TarStreamParser?
    private let names: Set<String>
    private let limit: Int
    private var current: String?
    /// The kept tail of each named member seen, by name.
    package private(set) var captured: [String: [UInt8]] = [:]

    /// `names` are member names as written in the archive; `limit` bounds what is kept of each.
    package init(next: ByteSink, names: Set<String>, limit: Int = 64 << 10) {
        self.next = next
        self.names = names
        self.limit = limit
        parser = nil
        parser = TarStreamParser(consumer: self)
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let parser else { throw ArchiveError(.invalidArgument, "tar capture used after finish") }
        try parser.feed(bytes)
        try next.write(bytes)
    }

    /// Checks that the archive ended properly; the next stage is finished by `finishNext`, once the
    /// caller has accepted what was captured.
    package func finish() throws {
        try parser?.finish()
        parser = nil
    }

    package func finishNext() throws { try next.finish() }

    func begin(_ entry: TarEntry) throws {
        let name = TarBytes.display(entry.path)
        current = names.contains(name) ? name : nil
        if let current { captured[current] = [] }
    }

    func content(_ bytes: UnsafeRawBufferPointer) throws {
        guard let current else { return }
        captured[current, default: []].append(contentsOf: bytes)
        if let over = captured[current].map({ $0.count - limit }), over > 0 {
            captured[current]?.removeFirst(over)
        }
    }

    func end(_ entry: TarEntry) throws { current = nil }
}
