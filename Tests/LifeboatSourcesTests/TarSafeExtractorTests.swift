import Foundation
import LifeboatCore
import LifeboatTestSupport
import Logging
import Testing

@testable import LifeboatSources

#if canImport(Glibc)
    import Glibc
#endif

@Suite("safe tar extractor")
struct SafeTarExtractorTests {
    let logger = Logger(label: "test")

    /// Feeds `bytes` to a new extractor in slices of `slice` bytes and finishes it.
    @discardableResult
    func extract(_ bytes: [UInt8], into dir: String, slice: Int = 65_536) throws -> ArchiveReport {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return try feedExtractor(bytes, into: dir, slice: slice).report
    }

    @Test(
        "the archiver's output round-trips with content, modes, owners, mtimes and links",
        arguments: [1, 777, 1 << 20])
    func roundTrip(slice: Int) throws {
        let fixture = try FileTreeFixture()
        let sink = MemorySink()
        let written = try FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: logger)
            .write(to: sink)
        let target = fixture.dir.file("restore")
        let report = try extract(sink.bytes, into: target, slice: slice)
        fixture.expectSame(as: fixture.extracted(under: target), nanoseconds: true)
        #expect(report.files == written.files)
        #expect(report.hardlinks == written.hardlinks)
        #expect(report.symlinks == written.symlinks)
        #expect(report.bytes == written.bytes)
        #expect(report.warnings == [])
    }

    @Test("an archive made by GNU tar (gnu and pax formats) extracts the same tree", arguments: ["gnu", "pax"])
    func gnuTarArchive(format: String) throws {
        let fixture = try FileTreeFixture()
        let tar = fixture.dir.file("gnu.tar")
        let made = try Command.run([
            "tar", "--format=\(format)", "--exclude=*.tmp", "--exclude=cache", "-cf", tar, "-C", "/",
            String(fixture.root.dropFirst()),
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tar)))
        let target = fixture.dir.file("restore")
        try extract(bytes, into: target, slice: 10_000)
        fixture.expectSame(as: fixture.extracted(under: target), nanoseconds: format == "pax")
    }

    /// Builds an archive with python's tarfile from a list of (kind, name, target) members.
    func hostile(_ members: [(String, String, String)], in dir: TemporaryDirectory) throws -> [UInt8] {
        let spec = members.map { "\($0.0)\t\($0.1)\t\($0.2)" }.joined(separator: "\n")
        let script = """
            import tarfile, io, sys
            out = io.BytesIO()
            with tarfile.open(fileobj=out, mode='w', format=tarfile.PAX_FORMAT) as t:
                for line in sys.stdin.read().splitlines():
                    kind, name, target = line.split('\\t')
                    info = tarfile.TarInfo(name)
                    if kind == 'file':
                        data = b'evil\\n'
                        info.size = len(data)
                        t.addfile(info, io.BytesIO(data))
                        continue
                    info.type = {'symlink': tarfile.SYMTYPE, 'hardlink': tarfile.LNKTYPE, 'dir': tarfile.DIRTYPE}[kind]
                    info.linkname = target
                    t.addfile(info)
            sys.stdout.buffer.write(out.getvalue())
            """
        let result = try Command.run(["python3", "-c", script], stdin: Array(spec.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    func expectRefused(
        _ members: [(String, String, String)], mentioning: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let dir = try TemporaryDirectory()
        let outside = dir.file("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let bytes = try hostile(
            members.map {
                (
                    $0.0, $0.1.replacingOccurrences(of: "OUTSIDE", with: outside),
                    $0.2.replacingOccurrences(of: "OUTSIDE", with: outside)
                )
            }, in: dir)
        let target = dir.file("stage/target")
        do {
            try extract(bytes, into: target)
            Issue.record("extraction was not refused", sourceLocation: sourceLocation)
        } catch let error as ArchiveError {
            #expect(error.code == .unsafePath, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(mentioning), "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.hasPrefix("refusing"), "\(error)", sourceLocation: sourceLocation)
        }
        #expect(FileTreeFixture.listing(outside) == [], "nothing written outside", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: dir.file("stage/evil")), sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: dir.file("evil")), sourceLocation: sourceLocation)
    }

    @Test("a '..' name is refused")
    func dotDot() throws {
        try expectRefused([("file", "ok.txt", ""), ("file", "../evil", "")], mentioning: "../evil")
        try expectRefused([("file", "a/../../evil", "")], mentioning: "'..'")
    }

    @Test("an absolute name is refused")
    func absolute() throws {
        try expectRefused([("file", "OUTSIDE/abs", "")], mentioning: "absolute")
    }

    @Test("writing through a symlink made earlier in the archive is refused")
    func throughSymlink() throws {
        try expectRefused([("symlink", "link", "OUTSIDE"), ("file", "link/passwd", "")], mentioning: "symlink link")
        try expectRefused(
            [("dir", "d", ""), ("symlink", "d/up", "."), ("symlink", "d/up/x", "OUTSIDE"), ("file", "d/up/x/y", "")],
            mentioning: "symlink d/up")
        try expectRefused(
            [("symlink", "deep/link", "OUTSIDE"), ("dir", "deep/link/sub", "")], mentioning: "symlink deep/link")
    }

    @Test("link -> /etc followed by link/<file> never touches /etc")
    func etc() throws {
        let victim = "/etc/lifeboat-extractor-test-must-not-exist"
        try expectRefused(
            [("symlink", "link", "/etc"), ("file", "link/lifeboat-extractor-test-must-not-exist", "")],
            mentioning: "through the symlink link")
        #expect(!FileManager.default.fileExists(atPath: victim))
        unlink(victim)
    }

    @Test("hard links and relative symlinks that leave the target are refused")
    func escapingLinks() throws {
        try expectRefused([("hardlink", "hl", "../../x")], mentioning: "'..'")
        try expectRefused([("hardlink", "hl", "OUTSIDE/x")], mentioning: "absolute hard link target")
        try expectRefused([("symlink", "a/b/esc", "../../../outside")], mentioning: "points outside")
    }

    @Test("a relative symlink inside and a hard link inside are fine")
    func benignLinks() throws {
        let dir = try TemporaryDirectory()
        let members = [("file", "a/f", ""), ("symlink", "a/b/up", "../f"), ("hardlink", "c/h", "a/f")]
        let bytes = try hostile(members, in: dir)
        let report = try extract(bytes, into: dir.file("t"))
        #expect(report.files == 1 && report.symlinks == 1 && report.hardlinks == 1)
        #expect(try String(contentsOfFile: dir.file("t/a/b/up"), encoding: .utf8) == "evil\n")
        #expect(try String(contentsOfFile: dir.file("t/c/h"), encoding: .utf8) == "evil\n")
    }

    @Test("a bad header checksum, a truncated archive and a missing end marker fail cleanly")
    func corrupt() throws {
        let fixture = try FileTreeFixture()
        let sink = MemorySink()
        _ = try FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: logger).write(to: sink)
        let good = sink.bytes

        var flipped = good
        flipped[1024 + 10] ^= 0x01  // inside the second header (the first is the root directory's)
        var error = try #require(throws: ArchiveError.self) { try extract(flipped, into: fixture.dir.file("t1")) }
        #expect(error.code == .corrupt && error.message.contains("checksum"), "\(error)")

        error = try #require(throws: ArchiveError.self) {
            try extract(Array(good.prefix(good.count / 2)), into: fixture.dir.file("t2"))
        }
        #expect(error.code == .truncated, "\(error)")

        let withoutEnd = Array(good.prefix { _ in true }.dropLast(good.count - lastEntryEnd(good)))
        error = try #require(throws: ArchiveError.self) { try extract(withoutEnd, into: fixture.dir.file("t3")) }
        #expect(error.code == .truncated && error.message.contains("end-of-archive"), "\(error)")

        error = try #require(throws: ArchiveError.self) {
            try extract(
                Array("this is not a tar archive at all".utf8) + [UInt8](repeating: 0x41, count: 600),
                into: fixture.dir.file("t4"))
        }
        #expect(error.code == .corrupt, "\(error)")
    }

    /// The offset just after the last entry's data (where the zero blocks begin).
    func lastEntryEnd(_ bytes: [UInt8]) -> Int {
        var end = bytes.count
        while end >= 512 && bytes[(end - 512)..<end].allSatisfy({ $0 == 0 }) { end -= 512 }
        return end
    }

    @Test("devices and fifos in an archive are skipped with a warning")
    func fifo() throws {
        let dir = try TemporaryDirectory()
        let script = """
            import tarfile, io, sys
            out = io.BytesIO()
            with tarfile.open(fileobj=out, mode='w') as t:
                i = tarfile.TarInfo('p'); i.type = tarfile.FIFOTYPE; t.addfile(i)
            sys.stdout.buffer.write(out.getvalue())
            """
        let bytes = try Command.run(["python3", "-c", script]).stdout
        let report = try extract(bytes, into: dir.file("t"))
        #expect(report.warnings == ["skipping fifo p"])
    }
}

@Suite("tar extractor lifetime")
struct TarExtractorLifetimeTests {
    /// How many of this process's file descriptors point into `folder`: other tests run at the same
    /// time and open descriptors of their own, so only those on this test's folder count.
    static func openDescriptors(under folder: String) throws -> Int {
        let real = (folder as NSString).resolvingSymlinksInPath
        return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)") else {
                return false
            }
            return target == real || target.hasPrefix(real + "/")
        }.count
    }

    @Test(
        "an extractor that failed or was abandoned is freed with its folder descriptor (found by fuzzing)",
        arguments: ["empty", "garbage", "abandoned"])
    func freedAfterFailure(how: String) throws {
        let dir = try TemporaryDirectory()
        // The fuzzer's input (Fuzz/corpus/tar/regression-fd-leak-empty.tar): an empty archive, refused at
        // finish(); before the fix each such extractor leaked its target folder's descriptor.
        let input: [UInt8] = []
        weak var freed: SafeTarExtractor?
        for round in 0..<20 {
            let target = dir.file("t\(round)")
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            let extractor = try SafeTarExtractor(targetDirectory: target)
            freed = extractor
            switch how {
            case "empty":
                #expect(throws: ArchiveError.self) {
                    try extractor.write(input)
                    try extractor.finish()
                }
            case "garbage":
                #expect(throws: ArchiveError.self) { try extractor.write([UInt8](repeating: 0x41, count: 512)) }
            default:
                try extractor.write([UInt8](repeating: 0, count: 100))  // a stream given up half-way
            }
        }
        #expect(freed == nil)
        #expect(try Self.openDescriptors(under: dir.path) == 0)
    }
}

@Suite("tar damage fuzzing")
struct TarFuzzTests {
    @Test("random flips and cuts either throw an ArchiveError or extract inside the target")
    func randomDamage() throws {
        let fixture = try FileTreeFixture()
        try FileManager.default.removeItem(atPath: "\(fixture.root)/big.bin")
        let sink = MemorySink()
        _ = try FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: Logger(label: "t"))
            .write(to: sink)
        let good = sink.bytes
        // A new seed each run, named in any failure so that it can be replayed.
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var rng = SeededGenerator(seed: seed)
        for round in 0..<150 {
            var bad = good
            if round % 2 == 0 {
                // Flip inside a header region (the first 16 KiB holds most headers).
                let at = Int.random(in: 0..<min(bad.count, 16_384), using: &rng)
                bad[at] ^= UInt8.random(in: 1...255, using: &rng)
            } else {
                bad = Array(bad.prefix(Int.random(in: 0..<bad.count, using: &rng)))
            }
            let target = fixture.dir.file("fuzz/\(round)/t")
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            do {
                let extractor = try SafeTarExtractor(targetDirectory: target)
                try extractor.write(bad)
                try extractor.finish()
            } catch is ArchiveError {
            }
            #expect(
                FileTreeFixture.listing(fixture.dir.file("fuzz/\(round)")).allSatisfy { $0.hasPrefix("t") },
                "seed \(seed), round \(round)")
        }
    }
}
