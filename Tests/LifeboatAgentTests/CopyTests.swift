import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage
import LifeboatTestSupport
import Testing

@testable import LifeboatAgent

/// `copy` between two local destinations and `run`'s backfill, on real backups of a small tree.
@Suite struct CopyTests {
    /// The tree policy with the `first` destination only.
    static let firstOnly = """
        name: tree
        kind: files
        source: { paths: [../tree] }
        objectives: { rpo: 24h }
        encryption: { recipients: [../ops.pub.asc] }
        chunk_size: 1MiB
        destinations:
          - { name: first, type: local, path: ../first }
        """

    /// Two backups made to `first` alone, then `second` added to the policy.
    static func twoBackupsThenSecondAdded() async throws -> (AgentFixture, [BackupID]) {
        let f = try AgentFixture()
        try firstOnly.write(toFile: f.dir.file("policies/tree.yaml"), atomically: true, encoding: .utf8)
        let a = try await f.backUp()
        try f.writeTree(version: 2)
        let b = try await f.backUp()
        try AgentFixture.policy.write(toFile: f.dir.file("policies/tree.yaml"), atomically: true, encoding: .utf8)
        return (f, [a, b])
    }

    func policy(_ ctx: AgentContext) throws -> Policy { try require(ctx.configuration.policies.first) }

    @Test func copyAllFillsADestinationAddedLaterNewestFirstAndTheCopyRestores() async throws {
        let (f, ids) = try await Self.twoBackupsThenSecondAdded()
        let ctx = try f.context()
        let outcomes = try await CopyUseCase(ctx).copy(
            policy: try policy(ctx), from: "first", to: "second", selection: .all)
        #expect(outcomes.map(\.id) == [ids[1], ids[0]])
        #expect(outcomes.allSatisfy { $0.result == .copied && $0.chunksSent == $0.chunks && $0.chunks >= 3 })
        for id in ids {
            let record = try require(try ctx.catalog.backup(id: id))
            #expect(record.status == .complete)
            #expect(record.copies.map(\.destination.rawValue).sorted() == ["first", "second"])
            #expect(record.copies.allSatisfy { $0.status == .shipped })
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: f.objectDirectory("second", id) + "/manifest.json"))
                    == Data(contentsOf: URL(fileURLWithPath: f.objectDirectory("first", id) + "/manifest.json")))
        }
        // Only the copy is left: the restore reads it.
        try FileManager.default.removeItem(atPath: f.objectDirectory("first", ids[0]))
        let target = f.dir.file("restored")
        _ = try await f.restore(to: target, backupID: ids[0])
        #expect(try f.restoredVersion(target) == "version 1\n")

        // Again: everything is there, nothing is sent.
        let again = try await CopyUseCase(try f.context()).copy(
            policy: try policy(ctx), from: "first", to: "second", selection: .backup(.id(ids[1])))
        #expect(again.map(\.result) == [.present])
        #expect(again.first?.chunksSent == 0)
    }

    @Test func aChunkAlreadyAtTheTargetWithTheRightBytesIsNotSentAgain() async throws {
        let (f, ids) = try await Self.twoBackupsThenSecondAdded()
        let ctx = try f.context()
        // As a copy killed after writing two chunks but before recording them would leave it.
        let from = f.objectDirectory("first", ids[1])
        let to = f.objectDirectory("second", ids[1])
        try FileManager.default.createDirectory(atPath: to, withIntermediateDirectories: true)
        for name in ["data.000000", "data.000001"] {
            try FileManager.default.copyItem(atPath: "\(from)/\(name)", toPath: "\(to)/\(name)")
        }
        // A third one of the right size but the wrong bytes is replaced.
        var wrong = try Data(contentsOf: URL(fileURLWithPath: "\(from)/data.000002"))
        wrong[10] ^= 0xFF
        try wrong.write(to: URL(fileURLWithPath: "\(to)/data.000002"))
        let outcome = try #require(
            try await CopyUseCase(ctx).copy(policy: try policy(ctx), from: "first", to: "second", selection: .newest)
                .first)
        #expect(outcome.result == .copied)
        #expect(outcome.chunksPresent == 2)
        #expect(outcome.chunksSent == outcome.chunks - 2)
        #expect(try ctx.catalog.shippedChunks(id: ids[1], destination: "second") == Set(0..<outcome.chunks))
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(to)/data.000002")) != wrong)
        let verify = try await VerifyUseCase(ctx).verify(policies: [try policy(ctx)], id: .id(ids[1]))
        #expect(verify.allSatisfy { $0.ok })
    }

    @Test func aDamagedSourceChunkStopsTheCopyAndNothingCountsAsComplete() async throws {
        let (f, ids) = try await Self.twoBackupsThenSecondAdded()
        let ctx = try f.context()
        let path = f.objectDirectory("first", ids[0]) + "/data.000001"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[100] ^= 1
        try bytes.write(to: URL(fileURLWithPath: path))
        let outcome = try #require(
            try await CopyUseCase(ctx).copy(
                policy: try policy(ctx), from: "first", to: "second", selection: .backup(.id(ids[0]))
            ).first)
        #expect(outcome.result == .failed)
        #expect(outcome.error?.hasPrefix("data.000001 is damaged at first: size") == true)
        #expect(outcome.error?.contains("nothing marked complete at second") == true)
        let there = f.objectDirectory("second", ids[0])
        #expect(!FileManager.default.fileExists(atPath: there + "/manifest.json"))
        #expect(!FileManager.default.fileExists(atPath: there + "/manifest.json.sig"))
        #expect(!FileManager.default.fileExists(atPath: there + "/data.000001"))
        let record = try require(try ctx.catalog.backup(id: ids[0]))
        #expect(!record.copies.contains { $0.destination == "second" })
        #expect(record.status == .complete)
    }

    @Test func aManifestThatNoLongerMatchesItsSignatureIsRefused() async throws {
        let (f, ids) = try await Self.twoBackupsThenSecondAdded()
        let ctx = try f.context()
        let path = f.objectDirectory("first", ids[1]) + "/manifest.json"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"policy\"", with: " \"policy\"")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try #require(
            try await CopyUseCase(ctx).copy(policy: try policy(ctx), from: "first", to: "second", selection: .newest)
                .first)
        #expect(outcome.result == .failed)
        #expect(outcome.error?.hasPrefix("manifest refused: first: manifest.json.sig") == true)
        #expect(!FileManager.default.fileExists(atPath: f.objectDirectory("second", ids[1])))
    }

    @Test func namesThePolicyDoesNotHaveAreUsageErrors() async throws {
        let (f, _) = try await Self.twoBackupsThenSecondAdded()
        let ctx = try f.context()
        for (from, to) in [("first", "nowhere"), ("first", "first")] {
            do {
                _ = try await CopyUseCase(ctx).copy(policy: try policy(ctx), from: from, to: to, selection: .all)
                Issue.record("\(from) -> \(to) was accepted")
            } catch let e as LifeboatError {
                #expect(e.kind == .usage)
            }
        }
        do {
            _ = try await CopyUseCase(ctx).copy(
                policy: try policy(ctx), from: "first", to: "second", selection: .backup(.malformed("x")))
            Issue.record("a malformed id was accepted")
        } catch let e as LifeboatError {
            #expect(e.kind == .usage)
        }
    }

    @Test func runBackfillsAnAddedDestinationAndRefillsOneVerifyFoundLost() async throws {
        let (f, ids) = try await Self.twoBackupsThenSecondAdded()
        var report = try await RunUseCase(try f.context()).run()
        #expect(!report.failed)
        let backfilled = report.lines.filter { $0.contains("(backfill)") }
        #expect(backfilled.count == 2)
        #expect(backfilled.first?.contains(ids[1].rawValue) == true)  // newest first
        #expect(backfilled.last?.contains(ids[0].rawValue) == true)
        var ctx = try f.context()
        for id in ids { #expect(try ctx.catalog.backup(id: id)?.status == .complete) }

        // Nothing left to do: the next run is idle.
        report = try await RunUseCase(ctx).run()
        #expect(report.outcome == "idle")

        // The second destination loses the newest backup; verify notices, the catalog marks it lost.
        try FileManager.default.removeItem(atPath: f.objectDirectory("second", ids[1]))
        let verdict = try await VerifyUseCase(ctx).verify(policies: [try policy(ctx)], id: .id(ids[1]))
        #expect(!verdict.allSatisfy { $0.ok })
        let lost = try require(try ctx.catalog.backup(id: ids[1]))
        #expect(lost.status == .degraded)
        #expect(lost.copies.first { $0.destination == "second" }?.status == .failed)
        #expect(try ctx.catalog.shippedChunks(id: ids[1], destination: "second").isEmpty)

        report = try await RunUseCase(ctx).run()
        #expect(!report.failed)
        #expect(report.lines.contains { $0.contains("\(ids[1]) copied from first to second (backfill)") })
        ctx = try f.context()
        #expect(try ctx.catalog.backup(id: ids[1])?.status == .complete)
        #expect(try await VerifyUseCase(ctx).verify(policies: [try policy(ctx)], id: .id(ids[1])).allSatisfy(\.ok))
    }

    @Test func backfillStopsAtTheFirstBackupATargetThatIsDownRefuses() async throws {
        let (f, ids) = try await Self.twoBackupsThenSecondAdded()
        let ctx = try f.context()
        let down = SwitchableDestination(LocalDestination(name: "second", root: f.dir.file("second")))
        let root = f.dir.path
        let useCase = CopyUseCase(ctx) { spec -> Destination in
            if spec.name == "second" { return down }
            return LocalDestination(name: spec.name, root: root + "/" + spec.name)
        }
        let records = try ids.reversed().map { try require(try ctx.catalog.backup(id: $0)) }
        let signers = try TrustedSigners.load(ctx)
        let stopped = try await useCase.copy(
            records, policy: try policy(ctx), from: "first", to: "second", signers: signers, stopWhenUnreachable: true)
        #expect(stopped.count == 1)
        #expect(stopped.first?.unreachable == true)
        #expect(stopped.first?.error?.contains("scripted outage") == true)
        let calls = down.calls
        let all = try await useCase.copy(
            records, policy: try policy(ctx), from: "first", to: "second", signers: signers)
        #expect(all.count == 2 && all.allSatisfy { $0.result == .failed })
        #expect(down.calls > calls)
        for id in ids { #expect(try ctx.catalog.backup(id: id)?.copies.count == 1) }
    }

    @Test func aBackfillRefusedAtItsSourceIsTakenFromTheNextHolder() async throws {
        let (f, ids) = try await Self.twoBackupsThenSecondAdded()
        var ctx = try f.context()
        _ = try await CopyUseCase(ctx).copy(policy: try policy(ctx), from: "first", to: "second", selection: .all)
        // A third destination is added; the first holder's copy of the newest backup is damaged.
        try AgentFixture.policy(
            second: "{ name: second, type: local, path: ../second }\n  - { name: third, type: local, path: ../third }"
        )
        .write(toFile: f.dir.file("policies/tree.yaml"), atomically: true, encoding: .utf8)
        let path = f.objectDirectory("first", ids[1]) + "/data.000000"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[3] ^= 1
        try bytes.write(to: URL(fileURLWithPath: path))
        ctx = try f.context()
        let report = try await RunUseCase(ctx).run()
        #expect(!report.failed, "\(report.lines)")
        #expect(report.lines.contains { $0.contains("\(ids[1]) copied from second to third (backfill)") })
        #expect(report.lines.contains { $0.contains("\(ids[0]) copied from first to third (backfill)") })
        #expect(try ctx.catalog.backup(id: ids[1])?.copies.first { $0.destination == "third" }?.status == .shipped)
    }

    @Test func verifyDoesNotCallADamagedCopyLost() async throws {
        let (f, ids) = try await Self.twoBackupsThenSecondAdded()
        let ctx = try f.context()
        let path = f.objectDirectory("first", ids[1]) + "/data.000000"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[0] ^= 1
        try bytes.write(to: URL(fileURLWithPath: path))
        _ = try await VerifyUseCase(ctx).verify(policies: [try policy(ctx)], id: .id(ids[1]))
        // Damage is reported, not refilled behind the operator's back: restore routes around it.
        #expect(try ctx.catalog.backup(id: ids[1])?.copies.first { $0.destination == "first" }?.status == .shipped)
    }
}

/// The pure decision of what `run` backfills.
@Suite struct BackfillPlannerTests {
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func backup(
        _ suffix: String, hoursAfter: Double, status: BackupStatus = .complete, retention: RetentionState = .live,
        shipped: Set<String>
    ) throws -> BackfillPlanner.Backup {
        BackfillPlanner.Backup(
            id: try require(BackupID("20250615T000000Z-\(suffix)")), started: t0.addingTimeInterval(hoursAfter * 3600),
            status: status, retention: retention, chunkCount: 3, shipped: shipped)
    }

    @Test func anAddedDestinationGetsEveryKeptBackupNewestFirstFromTheFirstHolder() throws {
        let old = try Self.backup("aaaaaa", hoursAfter: 0, shipped: ["a", "b"])
        let new = try Self.backup("bbbbbb", hoursAfter: 1, shipped: ["b"])
        let tasks = BackfillPlanner.plan([old, new], destinations: ["a", "b", "c"], spooled: [])
        #expect(
            tasks == [
                .init(id: new.id, from: "b", to: "a"), .init(id: new.id, from: "b", to: "c"),
                .init(id: old.id, from: "a", to: "c"),
            ])
    }

    @Test func spooledPrunedFailedAndUnheldBackupsAreLeftAlone() throws {
        let spooled = try Self.backup("aaaaaa", hoursAfter: 0, status: .degraded, shipped: ["a"])
        let pruned = try Self.backup("bbbbbb", hoursAfter: 1, retention: .deleted, shipped: ["a"])
        let failed = try Self.backup("cccccc", hoursAfter: 2, status: .failed, shipped: [])
        let nowhere = try Self.backup("dddddd", hoursAfter: 3, status: .pending, shipped: ["gone"])
        let whole = try Self.backup("eeeeee", hoursAfter: 4, shipped: ["a", "b"])
        let tasks = BackfillPlanner.plan(
            [spooled, pruned, failed, nowhere, whole], destinations: ["a", "b"], spooled: [spooled.id])
        #expect(tasks.isEmpty)
    }

    @Test func aLostCopyWithNoSpoolIsRefilled() throws {
        let lost = try Self.backup("aaaaaa", hoursAfter: 0, status: .degraded, shipped: ["b"])
        #expect(
            BackfillPlanner.plan([lost], destinations: ["a", "b"], spooled: [])
                == [.init(id: lost.id, from: "b", to: "a")])
    }
}
