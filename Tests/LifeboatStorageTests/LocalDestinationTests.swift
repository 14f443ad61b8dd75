import Foundation
import LifeboatStorage
import LifeboatTestSupport
import Testing

@Suite struct LocalDestinationTests {
    @Test func passesTheDestinationSuite() async throws {
        let dir = try TemporaryDirectory()
        try await DestinationSuite.run(LocalDestination(name: "nas", root: dir.path))
    }

    @Test func refusesKeysThatEscapeTheRoot() async throws {
        let dir = try TemporaryDirectory()
        let d = LocalDestination(name: "nas", root: dir.path)
        for key in ["../x", "/etc/passwd", "a/../../x", "a//b", ""] {
            await #expect(throws: StorageError.self) { try await d.put(key, bytes: [1]) }
        }
    }

    @Test func removingAFoldersLastObjectRemovesTheFolderButNotItsParent() async throws {
        let dir = try TemporaryDirectory()
        let d = LocalDestination(name: "nas", root: dir.path)
        try await d.put("h/p/id1/data.000000", bytes: [1])
        try await d.put("h/p/id1/manifest.json", bytes: [2])
        try await d.put("h/p/id2/data.000000", bytes: [3])
        try await d.remove("h/p/id1/data.000000")
        #expect(FileManager.default.fileExists(atPath: dir.file("h/p/id1")))
        try await d.remove("h/p/id1/manifest.json")
        #expect(!FileManager.default.fileExists(atPath: dir.file("h/p/id1")))
        #expect(try await d.list(prefix: "h/p/") == ["h/p/id2/data.000000"])
        try await d.remove("h/p/id2/data.000000")
        #expect(FileManager.default.fileExists(atPath: dir.file("h/p")))
        try await d.remove("h/p/id2/data.000000")  // already gone: still fine
    }

    @Test func aFailedPutLeavesNoObjectAndNoTemporaryFile() async throws {
        let dir = try TemporaryDirectory()
        let d = LocalDestination(name: "nas", root: dir.path)
        await #expect(throws: StorageError.self) { try await d.put("a/b", fromFile: dir.file("does-not-exist")) }
        #expect(try await d.size("a/b") == nil)
        #expect(try await d.list(prefix: "").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains("tmp") })
    }

    @Test func aReadOnlyRootIsAPermanentError() async throws {
        let dir = try TemporaryDirectory()
        let d = LocalDestination(name: "nas", root: dir.file("file-not-dir"))
        try Data([1]).write(to: URL(fileURLWithPath: dir.file("file-not-dir")))
        do {
            try await d.put("x", bytes: [1])
            Issue.record("expected a failure")
        } catch let e as StorageError {
            #expect(e.isPermanent)
            #expect(e.description.contains("destination nas"))
        }
    }
}
