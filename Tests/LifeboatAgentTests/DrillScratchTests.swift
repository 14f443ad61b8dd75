import Foundation
import LifeboatCore
import Testing

@testable import LifeboatAgent

/// The scratch folder: made private when missing, refused when unusable, and only drills' own dead
/// folders swept from it.
@Suite struct DrillScratchTests {
    func root() -> String { NSTemporaryDirectory() + "drill-scratch-\(UUID().uuidString)" }

    @Test func madePrivateAndSweepsOnlyDeadDrillFolders() throws {
        let parent = root()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let scratch = parent + "/scratch"
        #expect(try DrillScratch.prepare(scratch).folders.isEmpty)
        var st = stat()
        #expect(stat(scratch, &st) == 0 && st.st_mode & 0o777 == 0o700)

        let live = try DrillScratch.open(scratch)
        let dead = scratch + "/.drill-1-abcdef"
        let other = scratch + "/keep-me"
        try FileManager.default.createDirectory(atPath: dead, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: dead + "/.owner", contents: Data()))
        let swept = try DrillScratch.prepare(scratch)
        #expect(swept.folders == [dead])
        #expect(FileManager.default.fileExists(atPath: live.path))
        #expect(FileManager.default.fileExists(atPath: other))
        live.remove()
        #expect(!FileManager.default.fileExists(atPath: live.path))
    }

    @Test func anUncreatableScratchFolderIsBadInputNamingIt() throws {
        let parent = root()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: parent + "/file", contents: Data()))
        for bad in [parent + "/file/scratch", parent + "/file"] {
            do {
                try DrillScratch.prepare(bad)
                Issue.record("accepted \(bad)")
            } catch let e as LifeboatError {
                #expect(e.kind == .badInput)
                #expect(e.message.contains(bad))
            }
        }
    }
}
