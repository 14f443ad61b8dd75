import Foundation
import LifeboatCore
import Testing

/// The POSIX layer every target writes files and starts programs through.
@Suite struct POSIXLayerTests {
    /// A fresh folder of this test's own.
    static func folder() throws -> String {
        try UniqueFolder.make(template: "\(NSTemporaryDirectory())/lifeboat-posix-XXXXXX")
    }

    static func write(_ file: AtomicFile, _ text: String) throws {
        try Array(text.utf8).withUnsafeBytes { try file.write($0) }
    }

    /// Runs `body` with a fresh folder, its file `out` holding "old", and an AtomicFile open over `out`.
    static func overAnOldFile(_ body: (_ dir: String, _ path: String, _ file: AtomicFile) throws -> Void) throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/out"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        try body(dir, path, try AtomicFile(path: path))
    }

    @Test func anAtomicFileAppearsWholeOnCommitAndLeavesNoTemporaryName() throws {
        try Self.overAnOldFile { dir, path, file in
            try Self.write(file, "new contents")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
            try file.commit()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new contents")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out"])
        }
    }

    @Test func anAbandonedAtomicFileLeavesTheOldFileAndNothingElse() throws {
        try Self.overAnOldFile { dir, path, file in
            try Self.write(file, "half")
            file.abandon()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out"])
        }
    }

    @Test func anAtomicFileNeverWritesThroughALinkAtItsTemporaryName() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = "\(dir)/victim"
        try "v".write(toFile: victim, atomically: false, encoding: .utf8)
        #expect(symlink(victim, "\(dir)/out.tmp") == 0)
        #expect(throws: AtomicFile.Failure.self) {
            _ = try AtomicFile(path: "\(dir)/out", temporaryPath: "\(dir)/out.tmp")
        }
        let file = try AtomicFile(path: "\(dir)/out", temporaryPath: "\(dir)/out.tmp", replacingLeftover: true)
        try Self.write(file, "x")
        try file.commit()
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "v")
        #expect(try String(contentsOfFile: "\(dir)/out", encoding: .utf8) == "x")
    }

    @Test func aSpawnedProgramGetsItsStreamsEnvironmentAndExitStatus() throws {
        var spawner = ProcessSpawner(
            ["sh", "-c", "read x; echo \"$x-$LIFEBOAT_TEST\"; echo said >&2; exit 3"],
            environment: ProcessSpawner.environment(
                ProcessInfo.processInfo.environment,
                overriding: ["LIFEBOAT_TEST": "ok"]))
        spawner.stdin = .pipe
        spawner.stdout = .pipe
        spawner.stderr = .pipe
        let child = try spawner.spawn()
        try Array("hi\n".utf8).withUnsafeBytes { try FileDescriptorIO.writeAll(child.stdin, $0) }
        close(child.stdin)
        let out = try FileDescriptorIO.readAll(child.stdout)
        let err = try FileDescriptorIO.readAll(child.stderr)
        close(child.stdout)
        close(child.stderr)
        let status = child.waitStatus()
        #expect(String(decoding: out, as: UTF8.self) == "hi-ok\n")
        #expect(String(decoding: err, as: UTF8.self) == "said\n")
        #expect(status & 0x7f == 0 && (status >> 8) & 0xff == 3)
    }

    @Test func aSpawnedProgramCanLeadAProcessGroupOfItsOwn() throws {
        var spawner = ProcessSpawner(["cat"])
        spawner.stdin = .pipe
        spawner.stdout = .null
        spawner.newProcessGroup = true
        let child = try spawner.spawn()
        #expect(getpgid(child.pid) == child.pid)
        close(child.stdin)
        #expect(child.waitStatus() == 0)
    }

    @Test func aMissingProgramIsASpawnErrorWithItsErrno() {
        do {
            _ = try ProcessSpawner(["lifeboat-no-such-program"]).spawn()
            Issue.record("a missing program was started")
        } catch {
            guard case .spawn(let e) = error else {
                Issue.record("not a spawn error: \(error)")
                return
            }
            #expect(e.code == ENOENT)
        }
    }

    @Test func aFailedCallThrowsItsErrno() {
        #expect(throws: SystemCallError(EBADF)) { try SystemCall.check { close(-1) } }
    }
}
