import Foundation
import Testing

@testable import LifeboatConfig

/// Paths in config and policy files are resolved against the file's folder, cleanly.
@Suite struct PathResolverTests {
    @Test(arguments: [
        ("keys/ops.pub.asc", "/etc/lifeboat/policies", "/etc/lifeboat/policies/keys/ops.pub.asc"),
        ("../keys/ops.pub.asc", "/etc/lifeboat/policies", "/etc/lifeboat/keys/ops.pub.asc"),
        ("./a//b/./c/", "/srv", "/srv/a/b/c"),
        ("/var/lib/../lib/db/.", "/ignored", "/var/lib/db"),
        ("/../../etc", "/x", "/etc"),
        ("/", "/x", "/"),
    ])
    func resolvesAgainstTheFilesFolder(path: String, base: String, expected: String) {
        #expect(PathResolver.resolve(path, against: base) == expected)
    }

    @Test func aRelativeFolderIsTakenFromTheWorkingDirectory() {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(PathResolver.resolve("k.asc", against: "") == (cwd == "/" ? "/k.asc" : cwd + "/k.asc"))
        #expect(PathResolver.resolve("k.asc", against: "conf") == (cwd == "/" ? "/conf/k.asc" : cwd + "/conf/k.asc"))
    }
}
