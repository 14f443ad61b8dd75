import Foundation
import LifeboatAgent
import LifeboatTestSupport
import Testing

/// The metrics textfile is written to `<path>.tmp-<pid>` and renamed: a symlink at that temporary name
/// (node_exporter's folder is often writable by others) is replaced, never written through.
@Suite struct MetricsLinkTests {
    @Test func aLinkAtTheTemporaryNameIsNotFollowed() throws {
        let dir = try TemporaryDirectory(prefix: "prom")
        let victim = dir.file("victim")
        try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
        let path = dir.file("lifeboat.prom")
        #expect(symlink(victim, "\(path).tmp-\(getpid())") == 0)

        try MetricsTextfile.write("lifeboat_up 1\n", to: path)

        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "lifeboat_up 1\n")
    }
}
