import Foundation
import LifeboatCore
import Logging
import Testing

@testable import LifeboatSources

/// `restore --path` and `ls PATH`: a path, what lies under it, or a glob picks entries; an extraction
/// with a selection writes those entries and the folders above them, nothing else.
@Suite struct TarPathSelectionTests {
    @Test func aPathPicksItselfWhatLiesUnderItAndGlobMatches() {
        let f = TarPathFilter(["/etc/app/", "*.conf"])
        #expect(f.matches("etc/app"))
        #expect(f.matches("etc/app/"))
        #expect(f.matches("/etc/app/x/y"))
        #expect(f.matches("srv/web/site.conf"))
        #expect(!f.matches("etc/apple"))
        #expect(!f.matches("etc/hosts"))
        #expect(TarPathFilter([]).matches("anything"))
        #expect(TarPathFilter(["/"]).matches("etc/hosts"))
    }

    @Test func extractingASelectionWritesOnlyItAndTheFoldersAbove() throws {
        let fixture = try FileTreeFixture()
        let sink = MemorySink()
        _ = try FileTreeArchiver(paths: [fixture.root], excludes: fixture.excludes, logger: Logger(label: "test"))
            .write(to: sink)
        let out = fixture.dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let extractor = try SafeTarExtractor(
            targetDirectory: out, asRoot: false, select: TarPathFilter(["\(fixture.root)/a/b/c/deep.txt"]))
        try sink.bytes.withUnsafeBytes { try extractor.write($0) }
        try extractor.finish()
        #expect(extractor.selected == 1)
        let found = try FileManager.default.subpathsOfDirectory(atPath: out).filter { !$0.hasSuffix("/") }
        let rel = String(fixture.root.dropFirst())
        #expect(found.contains("\(rel)/a/b/c/deep.txt"))
        #expect(!found.contains("\(rel)/regular.txt"))
        #expect(!found.contains("\(rel)/emptydir"))
        #expect(try String(contentsOfFile: "\(out)/\(rel)/a/b/c/deep.txt", encoding: .utf8) == "deep\n")
    }
}
