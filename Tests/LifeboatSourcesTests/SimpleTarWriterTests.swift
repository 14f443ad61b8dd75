import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatSources

/// The tar a `pg_bundle` is made of reads back with GNU tar: the folder, a file from memory and a
/// file from disk with their exact bytes, padded to whole records.
@Suite struct SimpleTarWriterTests {
    @Test func gnuTarReadsWhatItWrites() throws {
        let dir = try TemporaryDirectory()
        let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(big).write(to: URL(fileURLWithPath: "\(dir.path)/big.dat"))
        let sink = MemorySink()
        let tar = SimpleTarWriter(sink)
        try tar.addFile(name: "globals.sql", contents: Array("CREATE ROLE a;\n".utf8))
        try tar.addDirectory(name: "database")
        try tar.addFile(name: "database/3001.dat", path: "\(dir.path)/big.dat")
        try tar.end()
        #expect(sink.bytes.count % 10240 == 0)
        try Data(sink.bytes).write(to: URL(fileURLWithPath: "\(dir.path)/b.tar"))
        let out = "\(dir.path)/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let listing = try Command.run(["tar", "-tf", "\(dir.path)/b.tar"])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stdoutText.split(separator: "\n") == ["globals.sql", "database/", "database/3001.dat"])
        #expect(try Command.run(["tar", "-xf", "\(dir.path)/b.tar", "-C", out]).status == 0)
        #expect(try String(contentsOfFile: "\(out)/globals.sql", encoding: .utf8) == "CREATE ROLE a;\n")
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/database/3001.dat"))) == big)
    }

    @Test func aFolderOrALinkIsNotArchivedAsAFile() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: "\(dir.path)/link", withDestinationPath: "/etc/passwd")
        let tar = SimpleTarWriter(MemorySink())
        #expect(throws: (any Error).self) { try tar.addFile(name: "x", path: "\(dir.path)/link") }
        #expect(throws: (any Error).self) { try tar.addFile(name: "x", path: dir.path) }
    }
}
