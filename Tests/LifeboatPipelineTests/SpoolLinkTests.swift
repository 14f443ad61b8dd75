import Foundation
import LifeboatCore
import LifeboatPipeline
import LifeboatTestSupport
import Testing

/// A spool chunk is written under `<name>.tmp` first: a symlink found at that name (planted, or left
/// by anything) is replaced, never written through.
@Suite struct SpoolLinkTests {
    @Test func aLinkAtAChunksTemporaryNameIsNotFollowed() throws {
        let dir = try TemporaryDirectory()
        let spool = dir.file("spool/p/id")
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        let victim = dir.file("victim")
        try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
        #expect(symlink(victim, spool + "/" + Manifest.chunkName(0) + ".tmp") == 0)

        let spooler = try ChunkSpooler(directory: spool, chunkSize: 1000)
        try spooler.write(Array(repeating: 7, count: 10))
        try spooler.finish()

        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        var st = stat()
        #expect(lstat(spool + "/" + Manifest.chunkName(0), &st) == 0 && st.st_mode & S_IFMT == S_IFREG)
        #expect(st.st_size == 10)
    }
}
