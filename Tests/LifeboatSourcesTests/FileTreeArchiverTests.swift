import Foundation
import LifeboatCore
import LifeboatTestSupport
import Logging
import Testing

@testable import LifeboatSources

@Suite("file tree archiver")
struct FileTreeArchiverTests {
    let logger = Logger(label: "test")

    func archive(_ fixture: FileTreeFixture) throws -> (String, ArchiveReport) {
        let sink = MemorySink()
        let report = try FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: logger)
            .write(to: sink)
        #expect(sink.finished)
        #expect(sink.bytes.count % 10240 == 0)
        let path = fixture.dir.file("tree.tar")
        try Data(sink.bytes).write(to: URL(fileURLWithPath: path))
        return (path, report)
    }

    @Test("GNU tar extracts the archive into the same tree")
    func gnuTarExtracts() throws {
        let fixture = try FileTreeFixture()
        let (tar, report) = try archive(fixture)
        #expect(report.warnings == [])
        #expect(report.files == 7)
        #expect(report.hardlinks == 1)
        #expect(report.symlinks == 2)
        #expect(report.directories == 5)
        let big: Int64 = 3 << 20 + 77
        #expect(report.bytes == big + 31)
        let out = fixture.dir.file("gnu")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let result = try Command.run(["tar", "-xpf", tar, "-C", out])
        #expect(result.status == 0, "\(result.stderr)")
        fixture.expectSame(as: fixture.extracted(under: out), nanoseconds: true)
    }

    @Test("tar -tvf lists every entry with names relative to /")
    func gnuTarLists() throws {
        let fixture = try FileTreeFixture()
        let (tar, _) = try archive(fixture)
        let result = try Command.run(["tar", "-tvf", tar])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdoutText
        let base = String(fixture.root.dropFirst())
        #expect(text.contains("\(base)/\(FileTreeFixture.unicodeName)"))
        #expect(text.contains("\(base)/\(FileTreeFixture.longName)"))
        #expect(text.contains("\(base)/link-abs -> /etc/hostname"))
        #expect(text.contains("\(base)/hard1 link to \(base)/a/hard2"))
        #expect(text.contains("-rw-r----- "))
        #expect(!text.contains("skip.tmp") && !text.contains("cache/junk"))
        #expect(!text.contains(" \(fixture.root)"), "no absolute names")
    }

    @Test("python's tarfile reads the pax headers")
    func pythonReads() throws {
        let fixture = try FileTreeFixture()
        let (tar, _) = try archive(fixture)
        let script = """
            import tarfile,sys
            t = tarfile.open(sys.argv[1])
            m = {x.name: x for x in t.getmembers()}
            r = [x for x in m if x.endswith('/regular.txt')][0]
            print(t.format == tarfile.PAX_FORMAT or 'x', repr(m[r].pax_headers.get('mtime')))
            """
        let result = try Command.run(["python3", "-c", script, tar])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText == "True '1500000000.123456789'\n")
    }

    @Test("a file removed before reading is a warning and counts as skipped")
    func vanishing() throws {
        let fixture = try FileTreeFixture()
        var archiver = FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: logger)
        archiver.hook = { stage, path in
            if stage == .beforeOpen && path.hasSuffix("/regular.txt") { unlink(path) }
        }
        let sink = MemorySink()
        let report = try archiver.write(to: sink)
        #expect(report.warnings.count == 1)
        #expect(report.warnings.contains { $0.contains("regular.txt") && $0.contains("vanished") })
        #expect(report.skipped == 1)
        #expect(report.files == 6)
    }

    @Test("a policy path that does not exist fails the archive with one line naming it")
    func missingRoot() throws {
        let fixture = try FileTreeFixture()
        let missing = fixture.dir.file("does-not-exist")
        let sink = MemorySink()
        let error = try #require(throws: ArchiveError.self) {
            _ = try FileTreeArchiver(paths: [fixture.root, missing], excludes: [], logger: logger).write(to: sink)
        }
        #expect(error.message == "policy path \(missing) does not exist")
        #expect(!sink.finished, "nothing is handed on as a complete archive")
    }

    @Test("a file that shrinks or grows while read keeps its header size and warns")
    func changing() throws {
        let fixture = try FileTreeFixture()
        var archiver = FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: logger)
        archiver.hook = { stage, path in
            guard stage == .afterHeader else { return }
            if path.hasSuffix("/big.bin") { _ = truncate(path, 1000) }
            if path.hasSuffix("/regular.txt") {
                let handle = FileHandle(forWritingAtPath: path)
                _ = try? handle?.seekToEnd()
                try? handle?.write(contentsOf: Data("grown\n".utf8))
                try? handle?.close()
            }
        }
        let sink = MemorySink()
        let report = try archiver.write(to: sink)
        #expect(report.warnings.count == 2, "\(report.warnings)")
        #expect(report.warnings.contains { $0.contains("big.bin shrank while being read; padded with zeros") })
        #expect(report.warnings.contains { $0.contains("regular.txt changed while being read") })
        let tar = fixture.dir.file("t.tar")
        try Data(sink.bytes).write(to: URL(fileURLWithPath: tar))
        let out = fixture.dir.file("x")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        #expect(try Command.run(["tar", "-xf", tar, "-C", out]).status == 0)
        let big = try Data(contentsOf: URL(fileURLWithPath: fixture.extracted(under: out) + "/big.bin"))
        #expect(big.count == 3 << 20 + 77)
        #expect(big.suffix(100).allSatisfy { $0 == 0 })
        let regular = try String(contentsOfFile: fixture.extracted(under: out) + "/regular.txt", encoding: .utf8)
        #expect(regular == "hello\n")
    }

    @Test("a fifo is skipped with a warning")
    func unreadable() throws {
        let fixture = try FileTreeFixture()
        #expect(mkfifo("\(fixture.root)/fifo", 0o644) == 0)
        let sink = MemorySink()
        let report = try FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: logger)
            .write(to: sink)
        #expect(report.warnings.count == 1)
        #expect(report.warnings.first?.contains("skipping fifo") == true)
    }

    @Test("relative roots are refused, nested roots are archived once")
    func roots() throws {
        #expect(throws: ArchiveError.self) {
            _ = try FileTreeArchiver(paths: ["etc/app"], excludes: [], logger: logger).write(to: MemorySink())
        }
        let roots = try FileTreeWalker.normalize(["/etc/app/", "/etc/app/conf", "/etc//app", "/srv"])
        #expect(roots == ["/etc/app", "/srv"])
    }
}
