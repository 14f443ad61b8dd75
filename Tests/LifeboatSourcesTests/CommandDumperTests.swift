import Foundation
import LifeboatCore
import LifeboatSources
import Testing

@Suite struct CommandDumperTests {
    @Test func streamsStdoutAndFinishes() throws {
        let sink = MemorySink()
        let n = try CommandDumper(argv: ["sh", "-c", "head -c 3000000 /dev/zero; echo tail"]).write(to: sink)
        #expect(n == 3_000_005)
        #expect(sink.finished)
        #expect(Array(sink.bytes.suffix(5)) == Array("tail\n".utf8))
    }

    @Test func nonZeroExitFailsWithTheToolsLastWordsAndNeverFinishes() throws {
        let sink = MemorySink()
        #expect {
            try CommandDumper(argv: ["sh", "-c", "echo partial; echo 'noise' >&2; echo 'disk on fire' >&2; exit 3"])
                .write(to: sink)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("exited with status 3") && text.contains("disk on fire")
        }
        #expect(!sink.finished)
    }

    @Test func signalFails() throws {
        let sink = MemorySink()
        #expect {
            try CommandDumper(argv: ["sh", "-c", "echo x; kill -9 $$"]).write(to: sink)
        } throws: { String(describing: $0).contains("signal 9") }
        #expect(!sink.finished)
    }

    @Test func missingProgramFailsClearly() throws {
        #expect {
            try CommandDumper(argv: ["/nonexistent/dump-tool"]).write(to: MemorySink())
        } throws: { String(describing: $0).contains("/nonexistent/dump-tool") }
    }

    @Test func passwordFileOthersCanReadIsRefused() throws {
        let dir = NSTemporaryDirectory() + "lbpw-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let f = dir + "/pw"
        try "PGPASSWORD=s3cr:et\n".write(toFile: f, atomically: false, encoding: .utf8)
        chmod(f, 0o644)
        #expect(throws: LifeboatError.self) { try PasswordFile.read(f) }
        chmod(f, 0o600)
        #expect(try PasswordFile.read(f) == "s3cr:et")
        try "plain-secret\n".write(toFile: f, atomically: false, encoding: .utf8)
        chmod(f, 0o600)
        #expect(try PasswordFile.read(f) == "plain-secret")
    }
}
