import Foundation
import LifeboatCatalog
import LifeboatCore
import Testing

@testable import LifeboatAgent

/// A kill can land between marking a backup complete and removing its spool: the next run must
/// notice and remove what nothing needs, and keep every spool a backup still ships from.
@Suite struct SpoolSweepTests {
    @Test func removesOnlyTheSpoolsNoBackupNeeds() throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"])
        let t = f.clock.now
        let complete = try f.insert(policy: "db", started: t.addingTimeInterval(-5000), status: .complete)
        let degraded = try f.insert(policy: "db", started: t.addingTimeInterval(-4000), status: .degraded)
        let pending = try f.insert(policy: "db", started: t.addingTimeInterval(-3000), status: .pending)
        let failedToShip = try f.insert(policy: "db", started: t.addingTimeInterval(-2000), status: .failedToShip)
        let failedToSpool = try f.insert(policy: "db", started: t.addingTimeInterval(-1000), status: .failedToSpool)
        let running = try f.insert(policy: "db", started: t.addingTimeInterval(-500), status: .running)
        let pruned = try f.insert(policy: "db", started: t.addingTimeInterval(-6000), status: .degraded)
        try f.catalog.setRetention(id: pruned, from: .live, to: .deleted, at: t)
        let ctx = try f.context()
        let all: [BackupID] = [
            complete, degraded, pending, failedToShip, failedToSpool, running, pruned, "20200101T000000Z-zzzzzz",
        ]
        for id in all {
            let dir = ctx.spoolDirectory(policy: "db", id: id)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try "x".write(toFile: dir + "/data.000000", atomically: false, encoding: .utf8)
        }
        // Folders the sweep must never touch: the locks and a restore's work folder.
        for other in [".locks", ".restore-1"] {
            try FileManager.default.createDirectory(
                atPath: ctx.agent.spool + "/" + other, withIntermediateDirectories: true)
        }

        StaleStateRepair.sweepSpool(ctx)

        let left = Set(try FileManager.default.contentsOfDirectory(atPath: ctx.agent.spool + "/db"))
        #expect(left == Set([degraded, pending, failedToShip, running].map(\.rawValue)))
        let top = Set(try FileManager.default.contentsOfDirectory(atPath: ctx.agent.spool))
        #expect(top.isSuperset(of: [".locks", ".restore-1"]))
    }
}
