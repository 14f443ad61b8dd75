import Foundation
import LifeboatCore
import LifeboatTestSupport
import Logging
import Testing

@testable import LifeboatSources

#if canImport(Glibc)
    import Glibc
#endif

/// The writer pool must not change what a restore makes: the same tree, byte for byte and attribute for
/// attribute, as extracting every file on the reader's thread.
@Suite("parallel tar extraction")
struct TarParallelExtractionTests {
    let logger = Logger(label: "test")

    func extract(_ bytes: [UInt8], into dir: String, writers: Int, slice: Int) throws -> ArchiveReport {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let extractor = try SafeTarExtractor(targetDirectory: dir, asRoot: geteuid() == 0, writers: writers)
        try extractor.write(bytes, inSlicesOf: slice)
        try extractor.finish()
        return extractor.report
    }

    /// Every entry under `base`: kind, mode, owner, size, mtime to the nanosecond, link target, the
    /// content's bytes, and which other names share its inode (hard links).
    static func describe(_ base: String) throws -> [String] {
        var inodes: [UInt64: String] = [:]
        return try FileTreeFixture.listing(base).map { rel in
            var info = stat()
            guard lstat("\(base)/\(rel)", &info) == 0 else { throw ArchiveFixtureError(message: "lstat \(rel)") }
            var line = "\(rel) mode=\(String(info.st_mode, radix: 8)) owner=\(info.st_uid):\(info.st_gid)"
            line += " mtime=\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                let data = try Data(contentsOf: URL(fileURLWithPath: "\(base)/\(rel)"))
                line += " size=\(info.st_size) fnv=\(Self.fnv(data)) blocks=\(info.st_blocks > 0)"
                if info.st_nlink > 1 {
                    let first = inodes[UInt64(info.st_ino)] ?? rel
                    inodes[UInt64(info.st_ino)] = first
                    line += " links=\(info.st_nlink) same-as=\(first)"
                }
            case S_IFLNK:
                line += " -> \(try FileManager.default.destinationOfSymbolicLink(atPath: "\(base)/\(rel)"))"
            default:
                break
            }
            return line
        }
    }

    /// FNV-1a over every byte, so two listings differ when any byte of a file does.
    static func fnv(_ data: Data) -> UInt64 {
        data.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    @Test(
        "the tricky tree (links, hard links, non-ASCII and long names, modes, times) comes out of the pool as out of one thread",
        arguments: [777, 1 << 20])
    func trickyTreeSame(slice: Int) throws {
        let fixture = try FileTreeFixture()
        let sink = MemorySink()
        _ = try FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: logger).write(to: sink)
        let serial = fixture.dir.file("serial")
        let parallel = fixture.dir.file("parallel")
        let one = try extract(sink.bytes, into: serial, writers: 0, slice: slice)
        let pooled = try extract(sink.bytes, into: parallel, writers: 4, slice: slice)
        fixture.expectSame(as: fixture.extracted(under: parallel), nanoseconds: true)
        #expect(
            try Self.describe(fixture.extracted(under: serial)) == Self.describe(fixture.extracted(under: parallel)))
        #expect(one.files == pooled.files && one.bytes == pooled.bytes && one.hardlinks == pooled.hardlinks)
        #expect(pooled.warnings == one.warnings)
    }

    @Test("many small files, files on both sides of the size limit and holes: the pool restores them all exactly")
    func manyFilesSame() throws {
        let fixture = try FileTreeFixture()
        let limit = SafeTarExtractor.bufferedFileLimit
        // More files than the pool takes at once, in folders whose times are set after their content.
        for i in 0..<600 {
            let rel = "many/d\(i % 13)/f\(i)-ü.conf"
            if i < 13 { try fixture.make("many/d\(i)") }
            try fixture.write(
                rel, Array("setting \(i) = \(String(repeating: "x", count: i))\n".utf8), mode: 0o600 + mode_t(i % 64))
            try fixture.setTime(rel, seconds: FileTreeFixture.pastSeconds + i, nanos: i * 1000)
        }
        try fixture.make("edge")
        try fixture.write("edge/at-limit", FileTreeFixture.random(limit), mode: 0o644)
        try fixture.write("edge/above-limit", FileTreeFixture.random(limit + 1), mode: 0o600)
        try fixture.write("edge/empty-\u{1F600}", [], mode: 0o444)
        var holey = [UInt8](repeating: 0, count: 300_000)
        holey[0] = 1
        try fixture.write("edge/holey-small", holey, mode: 0o644)
        try fixture.write(
            "edge/holey-large", holey + FileTreeFixture.random(limit) + [UInt8](repeating: 0, count: 200_000),
            mode: 0o644)
        for d in (0..<13).map({ "many/d\($0)" }) + ["many", "edge"] {
            try fixture.setTime(d, seconds: FileTreeFixture.pastSeconds + 7, nanos: 7)
        }
        let sink = MemorySink()
        _ = try FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: logger).write(to: sink)
        let serial = fixture.dir.file("serial")
        let parallel = fixture.dir.file("parallel")
        _ = try extract(sink.bytes, into: serial, writers: 0, slice: 65_536)
        let report = try extract(sink.bytes, into: parallel, writers: 3, slice: 65_536)
        fixture.expectSame(as: fixture.extracted(under: parallel), nanoseconds: true)
        #expect(
            try Self.describe(fixture.extracted(under: serial)) == Self.describe(fixture.extracted(under: parallel)))
        #expect(report.files >= 605)
    }

    @Test("a name given twice and a hard link to a file still being written end as they do on one thread")
    func orderOfNamesKept() throws {
        let dir = try TemporaryDirectory(prefix: "lbpar")
        let script = """
            import tarfile, io, sys
            out = io.BytesIO()
            with tarfile.open(fileobj=out, mode='w', format=tarfile.PAX_FORMAT) as t:
                def add(name, data, mode=0o644, mtime=1_600_000_000):
                    info = tarfile.TarInfo(name); info.size = len(data); info.mode = mode; info.mtime = mtime
                    t.addfile(info, io.BytesIO(data))
                add('x', b'first\\n')
                info = tarfile.TarInfo('x-link'); info.type = tarfile.LNKTYPE; info.linkname = 'x'; t.addfile(info)
                add('x', b'second, longer\\n', 0o600, 1_600_000_100)
                info = tarfile.TarInfo('y'); info.type = tarfile.SYMTYPE; info.linkname = 'x'; t.addfile(info)
                add('z', b'zzz\\n')
                info = tarfile.TarInfo('z'); info.type = tarfile.SYMTYPE; info.linkname = 'x-link'; t.addfile(info)
            sys.stdout.buffer.write(out.getvalue())
            """
        let made = try Command.run(["python3", "-c", script])
        #expect(made.status == 0, "\(made.stderr)")
        _ = try extract(made.stdout, into: dir.file("serial"), writers: 0, slice: 100)
        _ = try extract(made.stdout, into: dir.file("parallel"), writers: 4, slice: 100)
        let parallel = try Self.describe(dir.file("parallel"))
        #expect(try Self.describe(dir.file("serial")) == parallel)
        #expect(try String(contentsOfFile: dir.file("parallel/x"), encoding: .utf8) == "second, longer\n")
        #expect(try String(contentsOfFile: dir.file("parallel/x-link"), encoding: .utf8) == "first\n")
        #expect(parallel.contains { $0.hasPrefix("z ") && $0.hasSuffix("-> x-link") })
    }
}
