import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage
import Testing

/// Remembers every removal, in order, across destinations.
final class RemovalLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) {
        lock.lock()
        items.append(s)
        lock.unlock()
    }
    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

/// A local destination that logs what it removes.
struct RecordingDestination: Destination {
    let inner: LocalDestination
    let log: RemovalLog
    var name: String { inner.name }
    func put(_ key: String, fromFile path: String) async throws { try await inner.put(key, fromFile: path) }
    func put(_ key: String, bytes: [UInt8]) async throws { try await inner.put(key, bytes: bytes) }
    func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws -> Int64 {
        try await inner.read(key, offset: offset, consumer: consumer)
    }
    func size(_ key: String) async throws -> Int64? { try await inner.size(key) }
    func list(prefix: String) async throws -> [String] { try await inner.list(prefix: prefix) }
    func listFolders(prefix: String) async throws -> [String] { try await inner.listFolders(prefix: prefix) }
    func remove(_ key: String) async throws {
        log.add("\(inner.name):\(key)")
        try await inner.remove(key)
    }
}

@Suite struct RetentionTests {
    static let rules = """
        objectives: { rpo: 60d }
        retention: { keep_last: 3, keep_daily: 7, keep_weekly: 4, keep_monthly: 6, deleted_grace: 30d, soft_deleted_grace: 15d }
        """

    func entry(_ date: Date, _ status: BackupRecord.Status = .complete) -> RetentionEntry {
        RetentionEntry(id: BackupID(date: date, random: "aaaaaa"), policy: "db", started: date, status: status)
    }

    /// restic-style buckets: keep_last takes the newest N; each calendar rule the newest backup of its newest N buckets.
    @Test func keepPicksTheNewestPerBucket() throws {
        let f = try RunFixture(policies: [
            "db": "objectives: { rpo: 1d }\nretention: { keep_last: 2, keep_daily: 2, keep_weekly: 1, keep_monthly: 2 }"
        ])
        let rules = try f.policy("db").retention
        // Three backups on 2024-03-31, two on 03-30, one on 02-10.
        let es = [
            utc(2024, 3, 31, 20), utc(2024, 3, 31, 10), utc(2024, 3, 31, 1), utc(2024, 3, 30, 23), utc(2024, 3, 30, 5),
            utc(2024, 2, 10, 5),
        ].map { entry($0) }
        let kept = RetentionPlanner.keep(es, rules: rules)
        #expect(kept[es[0].id] == ["newest", "last", "daily", "weekly", "monthly"])
        #expect(kept[es[1].id] == ["last"])
        #expect(kept[es[3].id] == ["daily"])
        #expect(kept[es[5].id] == ["monthly"])
        #expect(kept.count == 4)
    }

    @Test func nothingIsPrunedWhileOutOfTheRPOAndTheNewestIsAlwaysKept() async throws {
        let f = try RunFixture(policies: [
            "db": "objectives: { rpo: 1d }\nretention: { keep_last: 1, keep_daily: 1, keep_weekly: 1, keep_monthly: 1 }"
        ])
        let rules = try f.policy("db").retention
        let es = (0..<5).map { entry(utc(2024, 5, 1 + $0)) }
        let refused = RetentionPlanner.plan(es, rules: rules, meetsRPO: false, now: utc(2024, 6, 1))
        #expect(refused.actions.isEmpty && refused.refused != nil)
        let plan = RetentionPlanner.plan(es, rules: rules, meetsRPO: true, now: utc(2024, 5, 5, 12))
        #expect(plan.actions.map(\.id) == es.dropLast().map(\.id))
        #expect(plan.kept.keys.sorted() == [es[4].id])

        // Through the use case: a policy whose newest backup is 3 days old (rpo 1d) is left alone.
        try f.insert(policy: "db", started: utc(2024, 5, 1), status: .complete)
        try f.insert(policy: "db", started: utc(2024, 5, 2), status: .complete)
        f.clock.now = utc(2024, 5, 5)
        let report = await PruneUseCase(try f.context()).run(policies: [try f.policy("db")])
        #expect(report[0].plan.refused != nil && report[0].done.isEmpty)
        #expect(try f.catalog.backups(policy: "db").count == 2)
    }

    @Test func failedBackupsOlderThanTheGraceAreDroppedAndDryRunChangesNothing() async throws {
        let f = try RunFixture(policies: ["db": Self.rules])
        let failed = try f.insert(policy: "db", started: utc(2024, 1, 1), status: .failedToShip)
        try f.insert(policy: "db", started: utc(2024, 2, 15), status: .complete)
        f.clock.now = utc(2024, 2, 15, 6)
        let dry = await PruneUseCase(try f.context(), dryRun: true).run(policies: [try f.policy("db")])
        #expect(dry[0].done.map(\.kind) == [.dropFailed])
        #expect(dry[0].lines(dryRun: true).first?.contains("would drop-failed \(failed)") == true)
        #expect(try f.catalog.backup(id: failed)?.retention == .live)
        let real = await PruneUseCase(try f.context()).run(policies: [try f.policy("db")])
        #expect(real[0].done.map(\.kind) == [.dropFailed] && real[0].errors.isEmpty)
        #expect(try f.catalog.backup(id: failed)?.retention == .purged)
        #expect(try f.catalog.chunks(id: failed).isEmpty)
    }

    /// A year of daily backups pruned to exactly the expected set, then through deleted, soft-deleted and
    /// purged with an undelete in between; at the end the purged objects are gone from both local
    /// destinations, each manifest removed before its chunks.
    @Test func aYearOfDailyBackups() async throws {
        let f = try RunFixture(policies: ["db": Self.rules])
        var ids: [Date: BackupID] = [:]
        var day = utc(2024, 1, 1, 2)
        while day <= utc(2024, 12, 30, 2) {
            ids[day] = try f.insert(policy: "db", started: day, status: .complete)
            day = day.addingTimeInterval(86400)
        }
        #expect(ids.count == 365)
        let log = RemovalLog()
        func prune(dryRun: Bool = false) async throws -> PruneUseCase.Report {
            let r = await PruneUseCase(try f.context(), dryRun: dryRun) { spec in
                guard case .local(let root) = spec.location else {
                    throw LifeboatError(.usage, "a local destination only")
                }
                return RecordingDestination(inner: LocalDestination(name: spec.name, root: root), log: log)
            }.run(policies: [try f.policy("db")])
            #expect(r[0].errors.isEmpty)
            return r[0]
        }
        // 2024-12-30 is a Monday. daily: Dec 24-30; weekly (ISO): Dec 30, 29, 22, 15; monthly: Dec 30,
        // Nov 30, Oct 31, Sep 30, Aug 31, Jul 31; keep_last 3 falls inside daily.
        let keptDays =
            (24...30).map { utc(2024, 12, $0, 2) } + [utc(2024, 12, 22, 2), utc(2024, 12, 15, 2)]
            + [
                utc(2024, 11, 30, 2), utc(2024, 10, 31, 2), utc(2024, 9, 30, 2), utc(2024, 8, 31, 2),
                utc(2024, 7, 31, 2),
            ]
        let expected = Set(keptDays.compactMap { ids[$0] })
        #expect(expected.count == 14)

        f.clock.now = utc(2024, 12, 30, 3)
        let dry = try await prune(dryRun: true)
        #expect(dry.done.count == 351)
        #expect(try f.catalog.backups(policy: "db").count == 365)

        let first = try await prune()
        #expect(first.done.count == 351 && first.done.allSatisfy { $0.kind == .delete })
        let live = try f.catalog.backups(policy: "db")
        #expect(Set(live.map(\.id)) == expected)
        let all = try f.catalog.backups(policy: "db", includeRemoved: true)
        #expect(all.filter { $0.retention == .deleted }.count == 351)
        #expect(all.first { $0.retention == .deleted }?.displayStatus == "deleted")

        // An operator brings back June 15th; later prunes keep it.
        let june = try #require(ids[utc(2024, 6, 15, 2)])
        #expect(try UndeleteUseCase(try f.context()).run(id: .id(june)) == .deleted)
        #expect(try await prune().done.isEmpty)

        // 30 days on: deleted -> soft-deleted, nothing removed yet.
        f.clock.now = utc(2024, 12, 30, 3).addingTimeInterval(30 * 86400)
        let second = try await prune()
        #expect(second.done.count == 350 && second.done.allSatisfy { $0.kind == .softDelete })
        #expect(log.all.isEmpty)
        let soft = try #require(ids[utc(2024, 3, 1, 2)])
        #expect(try f.catalog.backup(id: soft)?.displayStatus == "soft-deleted")
        #expect(FileManager.default.fileExists(atPath: "\(f.nas)/h1/db/\(soft)/manifest.json"))

        // Undelete from soft-deleted works too.
        let march = try #require(ids[utc(2024, 3, 2, 2)])
        #expect(try UndeleteUseCase(try f.context()).run(id: .id(march)) == .softDeleted)

        // 15 more days: purged everywhere, manifest first; the records stay as purged.
        f.clock.now = f.clock.now.addingTimeInterval(15 * 86400)
        let third = try await prune()
        #expect(third.done.count == 349 && third.done.allSatisfy { $0.kind == .purge })
        let survivors = expected.union([june, march])
        let records = try f.catalog.backups(policy: "db", includeRemoved: true)
        #expect(Set(records.filter { $0.retention == .live }.map(\.id)) == survivors)
        #expect(records.filter { $0.retention == .purged }.count == 349)
        for root in [f.nas, f.nas2] {
            let left = Set(f.objects(root).map { String($0.split(separator: "/")[2]) })
            #expect(left == Set(survivors.map(\.rawValue)))
            // No empty folder is left where a purged backup was.
            let policyFolder = f.objects(root).first.map {
                root + "/" + $0.split(separator: "/")[0...1].joined(separator: "/")
            }
            #expect(
                try Set(FileManager.default.contentsOfDirectory(atPath: try #require(policyFolder)))
                    == Set(survivors.map(\.rawValue)))
        }
        let removed = log.all
        #expect(removed.count == 349 * 4)
        for (i, key) in removed.enumerated() where key.hasSuffix("/manifest.json") {
            let prefix = String(key.dropLast("manifest.json".count))
            #expect(removed[..<i].allSatisfy { !$0.hasPrefix(prefix) })
        }
        #expect(throws: LifeboatError.self) { try UndeleteUseCase(try f.context()).run(id: .id(soft)) }
    }
}
