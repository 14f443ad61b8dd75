import Foundation
import GRDB
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatCatalog

/// The summary tables that `run` reads must always equal what the history says.
@Suite struct PolicySummaryTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let sha = String(repeating: "b", count: 64)
    let policies = ["alpha", "beta", "gamma"]

    func expectMatchesHistory(_ c: Catalog, step: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let names = policies + ["never-backed-up"]
        #expect(
            try c.policySummaries(names) == c.policySummariesFromHistory(names),
            "summary differs after step \(step)", sourceLocation: sourceLocation)
        let outcomes = try c.lastCopyOutcomes(policies: names)
        for p in names {
            #expect(
                (outcomes[p] ?? [:]) == (try c.lastCopyOutcomesFromHistory(policy: p)),
                "outcomes of \(p) differ after step \(step)", sourceLocation: sourceLocation)
        }
    }

    @Test func randomChangesKeepTheSummaryEqualToTheHistory() throws {
        let c = try Catalog()
        var rng = SeededGenerator(seed: 7)
        var ids: [(id: BackupID, policy: String)] = []
        var sealed: Set<BackupID> = []
        var statuses: Set<BackupRecord.Status> = []
        var retentions: Set<BackupRecord.Retention> = []
        for step in 0..<400 {
            let action = Int.random(in: 0..<10, using: &rng)
            let now = t0.addingTimeInterval(Double(step) * 600)
            if action < 3 || ids.isEmpty {
                let policy = policies.randomElement(using: &rng)!
                let id: BackupID = "b\(step)"
                // Starts are not always in order: a backup's start may be older than the newest one's.
                let started = now.addingTimeInterval(Double(Int.random(in: -3000...0, using: &rng)))
                try c.beginBackup(
                    id: id, policy: policy, host: "h", kind: "files", payload: "tar", started: started,
                    recipients: ["F"], destinations: ["nas", "s3"])
                ids.append((id, policy))
                continue
            }
            let (id, _) = ids.randomElement(using: &rng)!
            switch action {
            case 3:
                if !sealed.contains(id) {
                    try c.sealBackup(
                        id: id, chunks: [.init(name: "data.000000", size: 5, sha256: sha)],
                        bytesIn: Int64(step), bytesOut: 5, lockWindowMs: Int64(step % 40), finished: now)
                    sealed.insert(id)
                }
            case 4, 5:
                if sealed.contains(id) {
                    try c.recordCopy(
                        id: id, destination: Bool.random(using: &rng) ? "nas" : "s3",
                        shipped: Int.random(in: 0..<4, using: &rng) > 0, error: nil, at: now)
                }
            case 6:
                try c.failBackup(id: id, error: "boom", at: now)
            case 7:
                let states: [BackupRecord.Retention] = [.live, .deleted, .softDeleted]
                let from = states.randomElement(using: &rng)!
                let to = states.randomElement(using: &rng)!
                try c.setRetention(id: id, from: from, to: to, at: now)
            case 8:
                if try c.backup(id: id)?.retention != .purged { try c.undelete(id: id, at: now) }
            default:
                try c.markPurged(id: id, at: now)
            }
            try expectMatchesHistory(c, step: step)
            let all = try c.backups(includeRemoved: true)
            statuses.formUnion(all.map(\.status))
            retentions.formUnion(all.map(\.retention))
        }
        // The walk did pass through the interesting states.
        #expect(statuses.isSuperset(of: [.running, .pending, .complete, .degraded, .failed]))
        #expect(retentions == [.live, .deleted, .softDeleted, .purged])
    }

    @Test func theMigrationFillsTheSummaryFromAnExistingHistory() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/catalog.sqlite"
        // A catalog as the previous schema left it, with history.
        let queue = try DatabaseQueue(path: path)
        try CatalogSchema.migrator().migrate(queue, upTo: "v4-retention-changed-index")
        try queue.write { db in
            for k in 0..<30 {
                let policy = k % 2 == 0 ? "alpha" : "beta"
                let status = k % 7 == 3 ? "failed" : (k % 5 == 1 ? "degraded" : "complete")
                let retention = k < 10 ? "deleted" : "live"
                try db.execute(
                    sql: """
                        INSERT INTO backup (id, policy, host, kind, payload, status, retention, started, finished,
                            bytes_in, bytes_out, chunk_count, retention_changed)
                        VALUES (?, ?, 'h', 'files', 'tar', ?, ?, ?, ?, 10, 5, 1, ?)
                        """,
                    arguments: [
                        "m\(k)", policy, status, retention, 1000.0 + Double(k), 1001.0 + Double(k), 50.0 + Double(k),
                    ])
                for d in ["nas", "s3"] {
                    let shipped = status == "complete" || (status == "degraded" && d == "nas")
                    try db.execute(
                        sql: "INSERT INTO copy (backup_id, destination, status, updated) VALUES (?, ?, ?, 0)",
                        arguments: ["m\(k)", d, shipped ? "shipped" : "failed"])
                }
            }
        }
        try queue.close()
        let c = try Catalog(path: path)
        let summaries = try c.policySummaries(["alpha", "beta"])
        #expect(summaries.allSatisfy { $0.lastID != nil && $0.newestComplete != nil })
        try expectMatchesHistory(c, step: -1)
    }
}
