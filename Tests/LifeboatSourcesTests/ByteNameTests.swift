import Foundation
import LifeboatCore
import LifeboatTestSupport
import Logging
import Testing

@testable import LifeboatSources

#if canImport(Glibc)
    import Glibc
#endif

/// A tree whose names are not UTF-8 (Latin-1, as on old file systems): a file, a directory with a
/// file inside, and a symlink pointing at the file.
struct ByteNameTree {
    static let file: [UInt8] = Array("caf".utf8) + [0xe9] + Array(".txt".utf8)
    static let dir: [UInt8] = Array("r".utf8) + [0xe9] + Array("pertoire".utf8)
    static let inner: [UInt8] = Array("na".utf8) + [0xef] + Array("ve".utf8)
    static let link: [UInt8] = Array("lien-".utf8) + [0xe0]
    static let slash = UInt8(ascii: "/")

    let dir: TemporaryDirectory
    let root: String

    init() throws {
        dir = try TemporaryDirectory(prefix: "lbbytes")
        root = dir.file("src")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.write(path(Self.file), Array("latin-1\n".utf8))
        #expect(mkdir(TarBytes.c(path(Self.dir)), 0o750) == 0)
        try Self.write(path(Self.dir + [Self.slash] + Self.inner), Array("inside\n".utf8))
        let link = path(Self.dir + [Self.slash] + Self.link)
        #expect(symlink(TarBytes.c(Array("../".utf8) + Self.file), TarBytes.c(link)) == 0)
    }

    /// The absolute path of `rel` under `base` (the source root when nil).
    func path(_ rel: [UInt8], under base: String? = nil) -> [UInt8] {
        Array((base ?? root).utf8) + [Self.slash] + rel
    }

    static func write(_ path: [UInt8], _ bytes: [UInt8]) throws {
        let fd = open(TarBytes.c(path), O_WRONLY | O_CREAT | O_EXCL, 0o640)
        guard fd >= 0 else { throw ArchiveFixtureError(message: "cannot create \(TarBytes.display(path))") }
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { TarSystem.writeAll(fd, $0) }
    }

    static func read(_ path: [UInt8]) -> [UInt8]? {
        let fd = open(TarBytes.c(path), O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { b in b.baseAddress.map { TarSystem.read(fd, $0, b.count) } ?? 0 }
            if n <= 0 { return out }
            out += buffer[0..<n]
        }
    }

    static func linkTarget(_ path: [UInt8]) -> [UInt8]? {
        var target = [CChar](repeating: 0, count: 4096)
        let n = readlink(TarBytes.c(path), &target, target.count)
        return n < 0 ? nil : target[0..<n].map { UInt8(bitPattern: $0) }
    }

    /// Expects the tree extracted under `base` (at its absolute path) to hold the same bytes.
    func expectSame(under base: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let copy = base + root
        #expect(Self.read(path(Self.file, under: copy)) == Array("latin-1\n".utf8), sourceLocation: sourceLocation)
        #expect(
            Self.read(path(Self.dir + [Self.slash] + Self.inner, under: copy)) == Array("inside\n".utf8),
            sourceLocation: sourceLocation)
        let link = path(Self.dir + [Self.slash] + Self.link, under: copy)
        #expect(
            Self.linkTarget(link) == Array("../".utf8) + Self.file,
            sourceLocation: sourceLocation)
        var info = stat()
        #expect(
            lstat(TarBytes.c(path(Self.dir, under: copy)), &info) == 0 && info.st_mode & 0o7777 == 0o750,
            sourceLocation: sourceLocation)
    }
}

@Suite("names that are not UTF-8")
struct ByteNameTests {
    let logger = Logger(label: "test")

    func archive(_ tree: ByteNameTree) throws -> (String, [UInt8], ArchiveReport) {
        let sink = MemorySink()
        let report = try FileTreeArchiver(paths: [tree.root], excludes: [], logger: logger).write(to: sink)
        let path = tree.dir.file("bytes.tar")
        try Data(sink.bytes).write(to: URL(fileURLWithPath: path))
        return (path, sink.bytes, report)
    }

    func outDir(_ tree: ByteNameTree, _ name: String) throws -> String {
        let out = tree.dir.file(name)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        return out
    }

    @Test("every entry is archived, its pax path holding the raw bytes with hdrcharset=BINARY")
    func archived() throws {
        let tree = try ByteNameTree()
        let (_, bytes, report) = try archive(tree)
        #expect(report.warnings == [] && report.skipped == 0)
        #expect(report.files == 2 && report.directories == 2 && report.symlinks == 1)
        let rel = Array(tree.root.utf8.dropFirst())
        let record = Array(" path=".utf8) + rel + [ByteNameTree.slash] + ByteNameTree.file + [0x0a]
        #expect(bytes.firstRange(of: record) != nil)
        #expect(bytes.firstRange(of: Array(" hdrcharset=BINARY\n".utf8)) != nil)
        #expect(bytes.firstRange(of: Array(" linkpath=../".utf8) + ByteNameTree.file + [0x0a]) != nil)
    }

    @Test("GNU tar extracts the archive to the same bytes")
    func gnuTar() throws {
        let tree = try ByteNameTree()
        let (tar, _, _) = try archive(tree)
        let out = try outDir(tree, "gnu")
        let result = try Command.run(["tar", "-xpf", tar, "-C", out])
        #expect(result.status == 0, "\(result.stderr)")
        tree.expectSame(under: out)
    }

    @Test("bsdtar extracts the archive to the same bytes, without complaint")
    func bsdtar() throws {
        let tree = try ByteNameTree()
        let (tar, _, _) = try archive(tree)
        let out = try outDir(tree, "bsd")
        let result = try Command.run(["bsdtar", "-xpf", tar, "-C", out], environment: ["LC_ALL": "C.UTF-8"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        tree.expectSame(under: out)
    }

    @Test("the safe extractor restores the archiver's byte names", arguments: [1, 509, 1 << 20])
    func roundTrip(slice: Int) throws {
        let tree = try ByteNameTree()
        let (_, bytes, _) = try archive(tree)
        let out = try outDir(tree, "safe")
        let extractor = try feedExtractor(bytes, into: out, slice: slice)
        #expect(extractor.report.files == 2 && extractor.report.warnings == [])
        tree.expectSame(under: out)
    }

    @Test("the safe extractor reads bsdtar's and GNU tar's archives of byte names", arguments: ["bsdtar", "tar"])
    func readsOtherTars(tool: String) throws {
        let tree = try ByteNameTree()
        let tar = tree.dir.file("other.tar")
        let args = tool == "tar" ? ["tar", "--format=pax", "-cf", tar] : ["bsdtar", "--format=pax", "-cf", tar]
        let made = try Command.run(args + ["-C", "/", String(tree.root.dropFirst())])
        #expect(made.status == 0, "\(made.stderr)")
        let out = try outDir(tree, "other")
        let extractor = try SafeTarExtractor(targetDirectory: out)
        try extractor.write([UInt8](try Data(contentsOf: URL(fileURLWithPath: tar))))
        try extractor.finish()
        tree.expectSame(under: out)
    }

    @Test("byte names that climb out or are absolute are still refused")
    func hostile() throws {
        let names: [[UInt8]] = [
            [0xe9] + Array("/../../evil".utf8), Array("/tmp/".utf8) + [0xe9],
            Array("a/".utf8) + [0xff, 0] + Array("/x".utf8),
        ]
        for name in names {
            let dir = try TemporaryDirectory()
            var header = TarEntryHeader(name: name, kind: .file)
            header.size = 0
            let archive = TarHeaderEncoder.encode(header) + [UInt8](repeating: 0, count: 1024)
            let target = dir.file("t")
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
            let extractor = try SafeTarExtractor(targetDirectory: target)
            let error = try #require(throws: ArchiveError.self) {
                try extractor.write(archive)
                try extractor.finish()
            }
            #expect(error.code == .unsafePath, "\(error)")
            #expect(error.message.contains("\\xe9") || error.message.contains("\\xff"), "\(error)")
            #expect(FileTreeFixture.listing(dir.path) == ["t"])
        }
    }

    @Test("a directory with a byte name that vanishes before it is listed is skipped, named in the warning")
    func vanishedDirectory() throws {
        let tree = try ByteNameTree()
        let dir = tree.path(ByteNameTree.dir)
        var skipped: [String] = []
        var seen: [[UInt8]] = []
        try FileTreeWalker(roots: [tree.root], excludes: []).walk(
            { item in
                seen.append(item.path)
                guard item.path == dir else { return }
                for child in [ByteNameTree.inner, ByteNameTree.link] {
                    _ = unlink(TarBytes.c(dir + [ByteNameTree.slash] + child))
                }
                _ = rmdir(TarBytes.c(dir))
            }, skip: { skipped.append($0) })
        #expect(seen.contains(tree.path(ByteNameTree.file)))
        #expect(skipped.count == 1, "\(skipped)")
        #expect(skipped.first?.contains("cannot list directory \(tree.root)/r\\xe9pertoire") == true, "\(skipped)")
    }
}
