import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatCore
import LifeboatTestSupport
import Testing

@Suite(.serialized) struct CatalogRebuildTests {
    @Test func aNewHostWithAnEmptyCatalogRebuildsItFromManifestsAndRestores() async throws {
        let f = try AgentFixture()
        let older = try await f.backUp()
        try f.writeTree(version: 2)
        let newest = try await f.backUp()
        let before = try f.context().catalog.chunks(id: newest)
        // The operator kept the host's public signing key off the host.
        let signer = f.dir.file("h1.signing.pub.asc")
        try f.context().signingKey().publicArmored.write(toFile: signer, atomically: true, encoding: .utf8)
        // The host is lost: so is its catalog (and its signing key). One destination also lost the newest manifest.
        try FileManager.default.removeItem(atPath: f.dir.file("state"))
        try FileManager.default.removeItem(atPath: f.objectDirectory("second", newest) + "/manifest.json")

        let ctx = try f.context()
        await #expect(throws: LifeboatError.self) {
            try await CatalogRebuild(ctx).run(policies: ctx.configuration.policies)
        }
        let outcomes = try await CatalogRebuild(ctx).run(policies: ctx.configuration.policies, signerFiles: [signer])
        #expect(outcomes.first?.added == 2)
        #expect(outcomes.first?.copies == 1)
        #expect(outcomes.first?.problems.isEmpty == true)
        #expect(try ctx.catalog.backups().map(\.id) == [newest, older])
        #expect(try ctx.catalog.backup(id: older)?.status == .complete)
        #expect(try ctx.catalog.backup(id: newest)?.status == .degraded)
        #expect(try ctx.catalog.chunks(id: newest) == before)

        let again = try await CatalogRebuild(ctx).run(policies: ctx.configuration.policies, signerFiles: [signer])
        #expect(again.first?.added == 0 && again.first?.copies == 0)

        let target = f.dir.file("out")
        let r = try await f.restore(to: target, signerFiles: [signer])
        #expect(r.id == newest)
        #expect(try f.restoredVersion(target) == "version 2\n")
    }

    @Test func aManifestInTheWrongPlaceIsReportedNotImported() async throws {
        let f = try AgentFixture()
        let id = try await f.backUp()
        let misplaced = f.dir.file("first/h1/tree/20200101T000000Z-aaaaaa")
        try FileManager.default.createDirectory(atPath: misplaced, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: f.objectDirectory("first", id) + "/manifest.json",
            toPath: misplaced + "/manifest.json")
        try FileManager.default.copyItem(
            atPath: f.objectDirectory("first", id) + "/manifest.json.sig",
            toPath: misplaced + "/manifest.json.sig")
        try FileManager.default.removeItem(atPath: f.dir.file("state/catalog.sqlite"))
        let ctx = try f.context()
        let outcomes = try await CatalogRebuild(ctx).run(policies: ctx.configuration.policies)
        #expect(outcomes.first?.added == 1)
        #expect(outcomes.first?.problems.count == 1)
        #expect(try ctx.catalog.backups().map(\.id) == [id])
    }
}
