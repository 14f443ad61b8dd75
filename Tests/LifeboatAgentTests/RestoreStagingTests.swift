import Foundation
import Testing

@testable import LifeboatAgent

/// The sweep removes only what a killed restore staged: a folder named `<target>.lifeboat-partial-<pid>`.
@Suite struct RestoreStagingTests {
    @Test func onlyStagingFoldersQualify() {
        #expect(RestoreStaging.isStagingPath("/srv/restore/tree.lifeboat-partial-4242"))
        #expect(RestoreStaging.isStagingPath("out.lifeboat-partial-7"))
        for path in [
            "/", "/etc", "/srv/tree.lifeboat-partial-", "/srv/tree.lifeboat-partial-12x", "/srv/.lifeboat-partial-12",
            "/srv/../etc.lifeboat-partial-1", "/srv/tree.lifeboat-partial-1/..", "",
        ] {
            #expect(!RestoreStaging.isStagingPath(path), "\(path)")
        }
    }

    @Test func aDeadRestoresStagingFolderIsRemovedAndNothingElse() throws {
        let root = NSTemporaryDirectory() + "staging-\(UUID().uuidString)"
        let work = root + "/work"
        let staging = root + "/tree.lifeboat-partial-99"
        let other = root + "/keep"
        for d in [work, staging, other] {
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: root) }
        try other.write(toFile: "\(work)/staging", atomically: false, encoding: .utf8)
        #expect(RestoreStaging.sweep(work: work) == nil)
        #expect(FileManager.default.fileExists(atPath: other))
        try staging.write(toFile: "\(work)/staging", atomically: false, encoding: .utf8)
        #expect(RestoreStaging.sweep(work: work) == staging)
        #expect(!FileManager.default.fileExists(atPath: staging))
    }
}
