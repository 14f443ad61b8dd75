import Foundation
import LifeboatCore
import Logging
import Testing

@testable import LifeboatSources

/// The lister sees exactly the entries the archiver wrote, with their types, modes, sizes and link
/// targets, whatever the slices the stream arrives in, and writes nothing.
@Suite struct TarListerTests {
    @Test(arguments: [1, 511, 4096, 1 << 20])
    func listsEveryEntryTheArchiverWrote(slice: Int) throws {
        let fixture = try FileTreeFixture()
        let sink = MemorySink()
        _ = try FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: Logger(label: "test"))
            .write(to: sink)
        var listed: [TarListedEntry] = []
        let lister = TarLister { listed.append($0) }
        var offset = 0
        while offset < sink.bytes.count {
            let n = min(slice, sink.bytes.count - offset)
            try sink.bytes[offset..<(offset + n)].withUnsafeBytes { try lister.write($0) }
            offset += n
        }
        try lister.finish()
        let rel = String(fixture.root.dropFirst())
        let byPath = Dictionary(listed.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath["\(rel)/regular.txt"]?.type == "file")
        #expect(byPath["\(rel)/regular.txt"]?.size == 6)
        #expect(byPath["\(rel)/regular.txt"]?.mode == 0o640)
        #expect(byPath["\(rel)/regular.txt"]?.mtime == Int64(FileTreeFixture.pastSeconds))
        #expect(byPath["\(rel)/link-rel"]?.type == "symlink")
        #expect(byPath["\(rel)/link-rel"]?.link == "a/b/c/deep.txt")
        // Whichever of the two names the walk met second is the hard link, to the first, with no content.
        let pair = [byPath["\(rel)/hard1"], byPath["\(rel)/a/hard2"]].compactMap { $0 }
        #expect(pair.map(\.type).sorted() == ["file", "hardlink"])
        #expect(pair.first { $0.type == "hardlink" }?.size == 0)
        #expect(pair.first { $0.type == "hardlink" }?.link == pair.first { $0.type == "file" }?.path)
        #expect(byPath["\(rel)/a/b/c/"]?.type == "folder")
        #expect(byPath["\(rel)/\(FileTreeFixture.longName)"] != nil)
        #expect(byPath["\(rel)/skip.tmp"] == nil)
    }

    @Test func aCutArchiveIsRefused() throws {
        let fixture = try FileTreeFixture()
        let sink = MemorySink()
        _ = try FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: Logger(label: "test"))
            .write(to: sink)
        let lister = TarLister { _ in }
        try sink.bytes.prefix(sink.bytes.count / 2).withUnsafeBytes { try lister.write($0) }
        #expect(throws: (any Error).self) { try lister.finish() }
    }
}
