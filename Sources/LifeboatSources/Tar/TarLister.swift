import Foundation
import LifeboatCore

/// One entry of an archive as `lifeboat ls` shows it: what a restore would make, without making it.
package struct TarListedEntry: Sendable, Equatable {
    /// `file`, `folder`, `symlink`, `hardlink`, `char`, `block`, `fifo` or `other`.
    package var type: String
    /// The name in the archive (an absolute path as it was on the host, shown as text).
    package var path: String
    /// Permission bits and set-id/sticky bits, as `chmod` takes them.
    package var mode: UInt32
    package var uid: UInt32
    package var gid: UInt32
    package var size: Int64
    /// Seconds since 1970.
    package var mtime: Int64
    /// Where a symlink or hard link points; empty otherwise.
    package var link: String
}

/// Reads a pax tar stream (a `files` backup's payload) and reports each entry, skipping the content:
/// a listing of a backup without writing anything. Names are checked as in extraction (no NUL, at most
/// the extractor's limits) and shown as text with anything unprintable escaped.
package final class TarLister: ByteSink, TarEntryConsumer {
    private var parser: TarStreamParser?
    private let onEntry: (TarListedEntry) throws -> Void

    /// `onEntry` sees each entry in archive order, as soon as its header has been read.
    package init(onEntry: @escaping (TarListedEntry) throws -> Void) {
        self.onEntry = onEntry
        parser = nil
        parser = TarStreamParser(consumer: self)
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let parser else { throw ArchiveError(.invalidArgument, "tar lister used after finish") }
        try parser.feed(bytes)
    }

    package func finish() throws {
        try parser?.finish()
        parser = nil
    }

    func begin(_ entry: TarEntry) throws {
        try onEntry(
            TarListedEntry(
                type: Self.typeName(entry.type), path: TarBytes.display(entry.path), mode: entry.mode & 0o7777,
                uid: entry.uid, gid: entry.gid, size: entry.hasData ? entry.size : 0, mtime: entry.mtimeSeconds,
                link: TarBytes.display(entry.linkPath)))
    }

    func content(_ bytes: UnsafeRawBufferPointer) throws {}
    func end(_ entry: TarEntry) throws {}

    static func typeName(_ t: UInt8) -> String {
        switch t {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): return "file"
        case UInt8(ascii: "1"): return "hardlink"
        case UInt8(ascii: "2"): return "symlink"
        case UInt8(ascii: "3"): return "char"
        case UInt8(ascii: "4"): return "block"
        case UInt8(ascii: "5"): return "folder"
        case UInt8(ascii: "6"): return "fifo"
        default: return "other"
        }
    }
}
