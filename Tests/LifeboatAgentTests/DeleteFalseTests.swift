import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatCore
import Testing

/// `delete: false`: prune carries retention out in the catalog and removes nothing at that
/// destination (the others are purged as before); `purge --destination` later removes there exactly
/// the backups the catalog calls purged, and nothing that is still kept.
@Suite struct DeleteFalseTests {
    static let rules = """
        objectives: { rpo: 60d }
        retention: { keep_last: 1, keep_daily: 0, keep_weekly: 0, keep_monthly: 0, deleted_grace: 1d, soft_deleted_grace: 1d }
        """

    @Test func pruneLeavesTheObjectsAndPurgeRemovesThemLater() async throws {
        let f = try RunFixture(policies: ["db": Self.rules])
        let path = f.dir.file("policies/db.yaml")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(
            of: "{ name: nas2, type: local, path: ../nas2 }",
            with: "{ name: nas2, type: local, path: ../nas2, delete: false }"
        ).write(toFile: path, atomically: true, encoding: .utf8)
        let start = f.clock.now
        let old = try f.insert(policy: "db", started: start, status: .complete)
        let kept = try f.insert(policy: "db", started: start.addingTimeInterval(3600), status: .complete)
        for days in [1.0, 2.5, 4.0] {
            f.clock.now = start.addingTimeInterval(days * 86_400)
            let r = await PruneUseCase(try f.context()).run(policies: [try f.policy("db")])
            #expect(r[0].errors.isEmpty, "\(r[0].errors)")
        }
        #expect(try f.catalog.backup(id: old)?.retention == .purged)
        #expect(!f.objects(f.nas).contains { $0.contains(old.rawValue) })
        #expect(f.objects(f.nas2).contains("h1/db/\(old)/manifest.json"))

        let reports = try await PurgeUseCase(try f.context()).run(destination: "nas2")
        #expect(reports.flatMap(\.errors).isEmpty)
        #expect(reports.flatMap(\.lines) == ["db: purged \(old) at nas2"])
        #expect(!f.objects(f.nas2).contains { $0.contains(old.rawValue) })
        #expect(f.objects(f.nas2).contains("h1/db/\(kept)/manifest.json"))
        // Nothing left to do the second time.
        #expect(try await PurgeUseCase(try f.context()).run(destination: "nas2").flatMap(\.lines).isEmpty)
    }

    @Test func aDestinationNoPolicyNamesIsAUsageError() async throws {
        let f = try RunFixture(policies: ["db": Self.rules])
        let e = await #expect(throws: LifeboatError.self) {
            try await PurgeUseCase(try f.context()).run(destination: "elsewhere")
        }
        #expect(e?.kind == .usage)
    }
}
