import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage
import LifeboatTestSupport
import Synchronization
import Testing

@testable import LifeboatAgent

/// What a copy asks of its target (one listing, no question per chunk) and what it counts for the
/// progress line, on real backups of a small tree between two local destinations.
@Suite struct CopyRequestsTests {
    @Test func aCopyToAnEmptyTargetListsItOnceAndAsksNothingPerChunk() async throws {
        let (f, ids) = try await CopyTests.twoBackupsThenSecondAdded()
        let ctx = try f.context()
        let policy = try #require(ctx.configuration.policies.first)
        let box = Mutex<CountingDestination?>(nil)
        let useCase = CopyUseCase(ctx) { spec in
            let made = try DestinationFactory.make(spec)
            guard spec.name == "second" else { return made }
            return box.withLock { held in
                if let held { return held }
                let counting = CountingDestination(made)
                held = counting
                return counting
            }
        }
        let outcome = try #require(
            try await useCase.copy(policy: policy, from: "first", to: "second", selection: .backup(.id(ids[1])))
                .first)
        #expect(outcome.result == .copied)
        #expect(outcome.chunksSent == outcome.chunks && outcome.chunks >= 3)
        let counts = try #require(box.withLock { $0 }).counts
        #expect(counts.listings == 1)
        // No size asked per chunk; the one there is latest.json's, read before it is replaced.
        #expect(counts.sizes <= 1)
        // Every chunk, the signature and the manifest (and latest.json), each written once.
        #expect(counts.writes >= outcome.chunks + 2 && counts.writes <= outcome.chunks + 4)

        // What the progress line was fed: every byte read and written, every chunk done at the target.
        let total = try ctx.catalog.chunks(id: ids[1]).reduce(Int64(0)) { $0 + $1.size }
        let seen = ctx.progress.snapshot
        #expect(seen.task == "copy tree")
        #expect(seen.bytesIn == total && seen.bytesOut == total && seen.expectedIn == total)
        #expect(seen.chunksTotal == outcome.chunks)
        #expect(seen.chunks.map(\.destination) == ["second"] && seen.chunks.map(\.done) == [outcome.chunks])
    }

    @Test func chunksAlreadyThereCountAsDoneAndLeaveTheExpectedBytes() async throws {
        let (f, ids) = try await CopyTests.twoBackupsThenSecondAdded()
        let ctx = try f.context()
        let policy = try #require(ctx.configuration.policies.first)
        let from = f.objectDirectory("first", ids[1])
        let to = f.objectDirectory("second", ids[1])
        try FileManager.default.createDirectory(atPath: to, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(from)/data.000000", toPath: "\(to)/data.000000")
        let outcome = try #require(
            try await CopyUseCase(ctx).copy(policy: policy, from: "first", to: "second", selection: .newest).first)
        #expect(outcome.chunksPresent == 1 && outcome.chunksSent == outcome.chunks - 1)
        let chunks = try ctx.catalog.chunks(id: ids[1])
        let sent = chunks.dropFirst().reduce(Int64(0)) { $0 + $1.size }
        let seen = ctx.progress.snapshot
        #expect(seen.expectedIn == sent && seen.bytesIn == sent && seen.bytesOut == sent)
        #expect(seen.chunks.map(\.done) == [outcome.chunks])
    }
}
