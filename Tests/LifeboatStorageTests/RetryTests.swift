import Foundation
import LifeboatStorage
import Testing

/// A destination whose calls fail as scripted, counting them.
final class FlakyDestination: Destination, @unchecked Sendable {
    let name = "flaky"
    var failures: [StorageError.Kind]
    var calls = 0
    let payload: [UInt8]
    /// For reads: deliver this many bytes before failing.
    var cutAfter: Int?

    init(failures: [StorageError.Kind], payload: [UInt8] = []) {
        self.failures = failures
        self.payload = payload
    }

    func step() throws {
        calls += 1
        if !failures.isEmpty {
            let k = failures.removeFirst()
            throw StorageError(k, destination: name, "scripted \(k)")
        }
    }

    func put(_ key: String, fromFile path: String) async throws { try step() }
    func put(_ key: String, bytes: [UInt8]) async throws { try step() }
    func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws -> Int64 {
        calls += 1
        let rest = Array(payload[Int(offset)...])
        if let cut = cutAfter, !failures.isEmpty {
            failures.removeFirst()
            try rest.prefix(cut).withUnsafeBytes { try consumer($0) }
            throw StorageError(.transient, destination: name, "cut")
        }
        try rest.withUnsafeBytes { try consumer($0) }
        return Int64(rest.count)
    }
    func size(_ key: String) async throws -> Int64? {
        try step()
        return 1
    }
    func list(prefix: String) async throws -> [String] {
        try step()
        return []
    }
    func listFolders(prefix: String) async throws -> [String] {
        try step()
        return []
    }
    func remove(_ key: String) async throws { try step() }
}

final class SleepRecorder: @unchecked Sendable {
    var waits: [Double] = []
    var clock = 0.0
}

@Suite struct RetryTests {
    func retrier(_ rec: SleepRecorder, attempts: Int = 5, maxElapsed: Double = 100) -> Retrier {
        Retrier(
            policy: BackoffPolicy(base: 1, cap: 8, maxAttempts: attempts, maxElapsed: maxElapsed),
            now: { rec.clock },
            sleep: {
                rec.waits.append($0)
                rec.clock += $0
            }, random: { 0.5 })
    }

    @Test func transientFailuresAreRetriedWithGrowingWaits() async throws {
        let rec = SleepRecorder()
        let d = FlakyDestination(failures: [.transient, .transient, .transient])
        try await RetryingDestination(d, retrier: retrier(rec)).put("k", bytes: [])
        #expect(d.calls == 4)
        #expect(rec.waits == [0.5, 1, 2])
    }

    @Test func permanentAndNotFoundFailAtOnce() async throws {
        for kind in [StorageError.Kind.permanent, .notFound] {
            let rec = SleepRecorder()
            let d = FlakyDestination(failures: [kind])
            await #expect(throws: StorageError.self) {
                try await RetryingDestination(d, retrier: retrier(rec)).put("k", bytes: [])
            }
            #expect(d.calls == 1)
            #expect(rec.waits.isEmpty)
        }
    }

    @Test func givesUpAfterMaxAttemptsAndSaysSo() async throws {
        let rec = SleepRecorder()
        let d = FlakyDestination(failures: Array(repeating: .transient, count: 10))
        do {
            try await RetryingDestination(d, retrier: retrier(rec, attempts: 3)).remove("k")
            Issue.record("expected a failure")
        } catch let e as StorageError {
            #expect(e.kind == .transient)
            #expect(e.message.contains("gave up after 3 tries"))
        }
        #expect(d.calls == 3)
    }

    @Test func givesUpWhenTheNextWaitWouldPassMaxElapsed() async throws {
        let rec = SleepRecorder()
        let d = FlakyDestination(failures: Array(repeating: .transient, count: 10))
        await #expect(throws: StorageError.self) {
            try await RetryingDestination(d, retrier: retrier(rec, attempts: 100, maxElapsed: 3.6)).list(prefix: "")
        }
        #expect(rec.waits == [0.5, 1, 2])  // the next (4) would pass 3.6 s
    }

    @Test func aBrokenReadResumesWhereItStopped() async throws {
        let rec = SleepRecorder()
        let payload = (0..<10_000).map { UInt8(truncatingIfNeeded: $0) }
        let d = FlakyDestination(failures: [.transient, .transient], payload: payload)
        d.cutAfter = 3000
        var got: [UInt8] = []
        let n = try await RetryingDestination(d, retrier: retrier(rec)).read("k", offset: 0) {
            got.append(contentsOf: $0)
        }
        #expect(got == payload)
        #expect(n == 10_000)
        #expect(d.calls == 3)
    }
}
