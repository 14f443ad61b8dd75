import Foundation
import LifeboatCore
import LifeboatStorage
import LifeboatTestSupport
import Testing

@testable import LifeboatAgent

@Suite(.serialized) struct VerifyTests {
    @Test func everyDestinationIsGoodAfterACompleteBackup() async throws {
        let f = try AgentFixture()
        let id = try await f.backUp()
        let ctx = try f.context()
        let reports = try await VerifyUseCase(ctx).verify(policies: ctx.configuration.policies, id: nil)
        #expect(reports.count == 1)
        #expect(reports[0].id == id)
        #expect(reports[0].ok)
        #expect(reports[0].destinations.map(\.destination) == ["first", "second"])
        #expect(reports[0].destinations.allSatisfy { $0.chunksChecked == 3 })
    }

    @Test func aFlippedByteAndAMissingChunkAreNamedAtTheirDestination() async throws {
        let f = try AgentFixture()
        let id = try await f.backUp()
        let chunk = f.objectDirectory("second", id) + "/data.000001"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: chunk)))
        bytes[100] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: chunk))
        try FileManager.default.removeItem(atPath: f.objectDirectory("second", id) + "/data.000002")
        let ctx = try f.context()
        let r = try #require(
            try await VerifyUseCase(ctx).verify(policies: ctx.configuration.policies, id: .id(id)).first)
        #expect(!r.ok)
        #expect(r.destinations[0].ok)
        let problems = r.destinations[1].problems
        #expect(problems.count == 2)
        #expect(problems[0].contains("data.000001 is damaged: sha256"))
        #expect(problems[1].contains("data.000002 is missing"))
        // Restore takes the other copy.
        let restored = try await f.restore(to: f.dir.file("out"), backupID: id)
        #expect(restored.chunksByDestination["first"] == 3)
    }

    @Test func aCopyTheCatalogKnowsIsMissingIsReportedInOneLine() async throws {
        let f = try AgentFixture()
        try Data("x".utf8).write(to: URL(fileURLWithPath: f.dir.file("second")))  // `second` cannot be written
        let ctx = try f.context()
        let outcome = try #require(try await BackupUseCase(ctx).run(policies: ctx.configuration.policies).last)
        #expect(outcome.status == .degraded)
        let r = try #require(try await VerifyUseCase(ctx).verify(policies: ctx.configuration.policies, id: nil).first)
        #expect(r.destinations[0].ok)
        #expect(r.destinations[1].problems.count == 1)
        #expect(r.destinations[1].problems[0].hasPrefix("not shipped here (failed: destination second:"))
    }

    @Test func anUnknownBackupIsAnError() async throws {
        let f = try AgentFixture()
        let ctx = try f.context()
        await #expect(throws: LifeboatError.self) {
            _ = try await VerifyUseCase(ctx).verify(policies: ctx.configuration.policies, id: RequestedBackup("nope"))
        }
    }
}
