import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatCore
import Testing

@Suite struct RunTests {
    let now = Date(timeIntervalSince1970: 1_735_000_000)

    @Test func aPolicyLockIsExclusiveAndFreedOnRelease() throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"])
        let spool = f.dir.file("state/spool")
        let first = try #require(try PolicyLock.tryAcquire(spool: spool, policy: "db"))
        #expect(try PolicyLock.tryAcquire(spool: spool, policy: "db") == nil)
        #expect(try PolicyLock.tryAcquire(spool: spool, policy: "other") != nil)
        first.release()
        #expect(try PolicyLock.tryAcquire(spool: spool, policy: "db") != nil)
    }

    /// Nothing due: no work, the run is counted as idle and the metrics file is written.
    @Test func nothingDueIsIdle() async throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"], metrics: true)
        f.clock.now = now
        try f.insert(policy: "db", started: now.addingTimeInterval(-3600), status: .complete)
        let ctx = try f.context()
        let report = try await RunUseCase(ctx).run()
        #expect(!report.didWork && !report.failed && report.lines.isEmpty && report.outcome == "idle")
        #expect(try f.catalog.runCounts().map { "\($0.command) \($0.outcome) \($0.count)" } == ["run idle 1"])
        #expect(FileManager.default.fileExists(atPath: f.dir.file("state/lifeboat.prom")))
        #expect(!FileManager.default.fileExists(atPath: f.dir.file("state/spool/.locks")))
    }

    /// A degraded backup whose chunks are still in the spool is shipped again; once every destination
    /// holds it, it is complete and its spool is gone.
    @Test func whatTheSpoolHoldsIsShippedAgain() async throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"])
        f.clock.now = now
        let id = try f.insert(policy: "db", started: now.addingTimeInterval(-600), status: .degraded, objects: false)
        let spool = f.dir.file("state/spool/db/\(id)")
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        try "abc".write(toFile: "\(spool)/data.000000", atomically: false, encoding: .utf8)
        let report = try await RunUseCase(try f.context()).run()
        #expect(report.didWork && !report.failed)
        #expect(report.lines == ["db \(id) complete (shipping retried)"])
        #expect(try f.catalog.backup(id: id)?.status == .complete)
        #expect(
            Set(f.objects(f.nas2)) == [
                "h1/db/\(id)/data.000000", "h1/db/\(id)/manifest.json.sig", "h1/db/\(id)/manifest.json",
                "h1/db/latest.json.sig", "h1/db/latest.json",
            ])
        #expect(!FileManager.default.fileExists(atPath: spool))
        // Now nothing is left to do.
        #expect(try await RunUseCase(try f.context()).run().didWork == false)
    }

    /// A due policy whose backup fails (its key file is missing) fails the run and is counted so;
    /// a recent backup of another policy keeps that one out of the run.
    @Test func aFailedBackupFailsTheRun() async throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }", "ok": "objectives: { rpo: 24h }"])
        try FileManager.default.removeItem(atPath: f.dir.file("ops.pub.asc"))
        f.clock.now = now
        try f.insert(policy: "ok", started: now.addingTimeInterval(-60), status: .complete)
        let report = try await RunUseCase(try f.context()).run()
        #expect(report.failed && report.lines.count == 1 && report.lines[0].hasPrefix("db - failed"))
        #expect(try f.catalog.runCounts().map { "\($0.command) \($0.outcome) \($0.count)" } == ["run failed 1"])
    }
}
