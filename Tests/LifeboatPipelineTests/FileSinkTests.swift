import Foundation
import LifeboatCore
import LifeboatPipeline
import LifeboatTestSupport
import Testing

/// Restored plaintext is written under `<target>.lifeboat-partial-<pid>`: a symlink planted at that
/// name (by anyone who can write to the target's folder) must never be followed, or restore would
/// write the plaintext wherever it points.
@Suite struct FileSinkTests {
    static func write(_ sink: FileSink, _ text: String) throws {
        try Array(text.utf8).withUnsafeBytes { try sink.write($0) }
    }

    @Test func aSymlinkPlantedAtThePartialNameIsNotWrittenThrough() throws {
        let dir = try TemporaryDirectory(prefix: "sink")
        let victim = dir.file("victim")
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        let target = dir.file("restored.dump")
        let partial = "\(target).lifeboat-partial-\(getpid())"
        #expect(symlink(victim, partial) == 0)

        let sink = try FileSink(path: target)
        try Self.write(sink, "plaintext\n")
        try sink.finish()

        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "plaintext\n")
        var st = stat()
        #expect(lstat(partial, &st) != 0, "the partial name is gone after finish")
    }

    @Test func aSymlinkToAFolderIsNotEnteredEither() throws {
        let dir = try TemporaryDirectory(prefix: "sink")
        let elsewhere = dir.file("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let target = dir.file("out.db")
        #expect(symlink(elsewhere, "\(target).lifeboat-partial-\(getpid())") == 0)

        let sink = try FileSink(path: target)
        try Self.write(sink, "x")
        sink.abandon()

        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["elsewhere"])
    }

    @Test func thePlaintextIsWrittenInAFolderOnlyItsOwnerCanEnter() throws {
        let dir = try TemporaryDirectory(prefix: "sink")
        let sink = try FileSink(path: dir.file("t"))
        var st = stat()
        #expect(lstat(sink.folder, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o700)
        #expect(st.st_mode & S_IFMT == S_IFDIR)
        sink.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func aFileCreatedExclusivelyRefusesAPlantedLink() throws {
        let dir = try TemporaryDirectory(prefix: "sink")
        let victim = dir.file("victim")
        try "v".write(toFile: victim, atomically: false, encoding: .utf8)
        #expect(symlink(victim, dir.file("new")) == 0)
        #expect(throws: LifeboatError.self) { _ = try ExclusiveFile.create(dir.file("new")) }
        let fd = try ExclusiveFile.create(dir.file("new"), replacingLeftover: true)
        close(fd)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "v")
    }
}
