import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage
import LifeboatTestSupport
import Testing

@testable import LifeboatAgent

/// A destination that fails while `down` is set, and otherwise passes calls to a real one.
final class SwitchableDestination: Destination, @unchecked Sendable {
    let base: Destination
    var down = true
    var calls = 0
    var inFlight = 0
    var maxInFlight = 0
    let lock = NSLock()

    init(_ base: Destination) { self.base = base }
    var name: String { base.name }

    func enter() throws {
        lock.lock()
        calls += 1
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        let isDown = down
        lock.unlock()
        if isDown {
            leave()
            throw StorageError(.transient, destination: name, "503 SlowDown: scripted outage")
        }
    }

    func leave() {
        lock.lock()
        inFlight -= 1
        lock.unlock()
    }

    func put(_ key: String, fromFile path: String) async throws {
        try enter()
        defer { leave() }
        try await Task.sleep(nanoseconds: 5_000_000)
        try await base.put(key, fromFile: path)
    }
    func put(_ key: String, bytes: [UInt8]) async throws {
        try enter()
        defer { leave() }
        try await base.put(key, bytes: bytes)
    }
    func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws -> Int64 {
        try enter()
        defer { leave() }
        return try await base.read(key, offset: offset, consumer: consumer)
    }
    func size(_ key: String) async throws -> Int64? {
        try enter()
        defer { leave() }
        return try await base.size(key)
    }
    func list(prefix: String) async throws -> [String] { try await base.list(prefix: prefix) }
    func listFolders(prefix: String) async throws -> [String] { try await base.listFolders(prefix: prefix) }
    func remove(_ key: String) async throws { try await base.remove(key) }
}

@Suite(.serialized) struct ShipTests {
    static let policy = AgentFixture.policy(
        second: """
            { name: second, type: local, path: ../second, concurrency: 2,
                  retry: { base: 1ms, cap: 2ms, attempts: 2, max_elapsed: 1s }, breaker: { failures: 2, cool_down: 10m } }
            """)

    func fixture(spoolMax: String? = nil) throws -> AgentFixture {
        let f = try AgentFixture()
        try Self.policy.write(toFile: f.dir.file("policies/tree.yaml"), atomically: true, encoding: .utf8)
        if let spoolMax {
            try f.writeConfig(extra: "spool_max: \(spoolMax)\n")
        }
        // `second` cannot be written: a plain file stands where its folder should be.
        try Data("x".utf8).write(to: URL(fileURLWithPath: f.dir.file("second")))
        return f
    }

    func backUpDegraded(_ f: AgentFixture) async throws -> BackupID {
        let ctx = try f.context()
        let outcome = try #require(try await BackupUseCase(ctx).run(policies: ctx.configuration.policies).first)
        #expect(outcome.status == .degraded)
        #expect(outcome.message?.contains("second") == true)
        return try #require(outcome.id)
    }

    @Test func policiesCarryRetryBreakerAndConcurrencySettings() throws {
        let f = try fixture()
        let spec = try #require(try f.context().configuration.policies.first?.destinations.last)
        #expect(spec.concurrency == 2)
        #expect(spec.retry.base == 0.001 && spec.retry.attempts == 2 && spec.retry.maxElapsed == 1)
        #expect(spec.breaker.failures == 2 && spec.breaker.coolDown == 600)
    }

    @Test func degradedWhileADestinationIsDownThenCompleteNothingLost() async throws {
        let f = try fixture()
        let id = try await backUpDegraded(f)
        let ctx = try f.context()
        let record = try #require(try ctx.catalog.backup(id: id))
        #expect(record.copies.first { $0.destination == "first" }?.status == .shipped)
        #expect(record.copies.first { $0.destination == "second" }?.status == .failed)
        let spool = ctx.agent.spool + "/tree/" + id.rawValue
        #expect(FileManager.default.fileExists(atPath: spool))
        #expect(try ctx.catalog.shippedChunks(id: id, destination: "first").count == record.chunkCount)

        try FileManager.default.removeItem(atPath: f.dir.file("second"))
        let outcomes = try await ShipUseCase(ctx).shipPending()
        #expect(outcomes.map(\.status) == [.complete])
        #expect(try ctx.catalog.backup(id: id)?.status == .complete)
        #expect(!FileManager.default.fileExists(atPath: spool))
        let names = try FileManager.default.contentsOfDirectory(atPath: f.objectDirectory("second", id)).sorted()
        #expect(names.contains("manifest.json"))
        #expect(names.filter { $0.hasPrefix("data.") }.count == record.chunkCount)
        // And it restores from `second` alone.
        try FileManager.default.removeItem(atPath: f.dir.file("first"))
        let r = try await f.restore(to: f.dir.file("out"))
        #expect(r.chunksByDestination.keys.sorted() == ["second"])
        #expect(try f.restoredVersion(f.dir.file("out")) == "version 1\n")
        #expect(try await ShipUseCase(ctx).shipPending().isEmpty)
    }

    @Test func theBreakerOpensSkipsAndOneProbeClosesIt() async throws {
        let f = try fixture()
        let id = try await backUpDegraded(f)  // one failure counted for `second` already
        try FileManager.default.removeItem(atPath: f.dir.file("second"))
        let switchable = SwitchableDestination(LocalDestination(name: "second", root: f.dir.file("second")))
        func ship() async throws -> BackupRecord {
            let ctx = try f.context()
            let policy = try #require(ctx.configuration.policies.first)
            let shipper = Shipper(ctx: ctx) { spec in
                spec.name == "second" ? switchable : try DestinationFactory.makeBase(spec)
            }
            try await shipper.ship(id: id, policy: policy)
            return try #require(try ctx.catalog.backup(id: id))
        }
        // Second failure in a row (two tries, as retry.attempts says): the breaker opens.
        var r = try await ship()
        #expect(switchable.calls == 2)
        #expect(r.status == .degraded)
        #expect(try f.context().catalog.breakers().values.first { $0.phase == "open" } != nil)
        // Within the cool-down: skipped without a single call.
        f.clock = f.clock.addingTimeInterval(60)
        switchable.down = false
        r = try await ship()
        #expect(switchable.calls == 2)
        #expect(r.copies.first { $0.destination == "second" }?.error?.contains("circuit breaker open") == true)
        // After it: one probe, and since it succeeds, everything ships.
        f.clock = f.clock.addingTimeInterval(600)
        r = try await ship()
        #expect(r.status == .complete)
        #expect(switchable.maxInFlight <= 2)
        #expect(try f.context().catalog.breakers().values.allSatisfy { $0.phase == "closed" })
    }

    @Test func aFullSpoolFailsTheNewBackupLoudly() async throws {
        let f = try fixture(spoolMax: "1MiB")
        let ctx = try f.context()
        let outcome = try #require(try await BackupUseCase(ctx).run(policies: ctx.configuration.policies).first)
        #expect(outcome.status == .failed)
        #expect(outcome.message?.contains("spool_max") == true)
        // The backup stopped as it reached the limit: its spool is gone and the catalog says failed.
        let chunks = (FileManager.default.enumerator(atPath: ctx.agent.spool)?.allObjects as? [String] ?? [])
            .filter { $0.contains("data.") }
        #expect(chunks.isEmpty)
        #expect(try ctx.catalog.backups().map(\.status) == [.failed])
    }

    @Test func aSpoolAlreadyPastItsLimitRefusesNewBackupsBeforeTheyStart() async throws {
        let f = try fixture(spoolMax: "1MiB")
        let ctx = try f.context()
        // 2 MiB still waiting to ship, for a policy this run does not ship (its destination is down).
        let stuckID: BackupID = "20200101T000000Z-aaaaaa"
        try ctx.catalog.beginBackup(
            id: stuckID, policy: "other", host: "h", kind: "files", payload: "tar",
            started: Date(timeIntervalSince1970: 1_577_836_800), recipients: ["F"],
            destinations: ["offsite"])
        try ctx.catalog.sealBackup(
            id: stuckID,
            chunks: [
                .init(
                    name: "data.000000", size: 2 << 20,
                    sha256: String(repeating: "0", count: 64))
            ],
            bytesIn: 2 << 20, bytesOut: 2 << 20, lockWindowMs: nil, finished: Date(timeIntervalSince1970: 1_577_836_900)
        )
        let stuck = ctx.spoolDirectory(policy: "other", id: stuckID)
        try FileManager.default.createDirectory(atPath: stuck, withIntermediateDirectories: true)
        try Data(count: 2 << 20).write(to: URL(fileURLWithPath: stuck + "/data.000000"))
        let outcome = try #require(try await BackupUseCase(ctx).run(policies: ctx.configuration.policies).last)
        #expect(outcome.status == .failed)
        #expect(outcome.message?.contains("spool_max 1MiB reached") == true, "\(outcome.message ?? "")")
        #expect(try ctx.catalog.backups().map(\.id) == [stuckID])
        #expect(FileManager.default.fileExists(atPath: stuck + "/data.000000"))
    }

    @Test func eachChunkGoesOutWithTheSha256ItWasCheckedAgainst() async throws {
        /// Writes to a real local destination and keeps the sha256 each chunk was handed over with.
        final class Recording: Destination, @unchecked Sendable {
            let base: Destination
            let lock = NSLock()
            var handed: [String: String] = [:]
            var unhashed: [String] = []
            init(_ base: Destination) { self.base = base }
            var name: String { base.name }
            func put(_ key: String, fromFile path: String) async throws {
                lock.withLock { unhashed.append(key) }
                try await base.put(key, fromFile: path)
            }
            func put(_ key: String, fromFile path: String, sha256: String) async throws {
                lock.withLock { handed[key] = sha256 }
                try await base.put(key, fromFile: path, sha256: sha256)
            }
            func put(_ key: String, bytes: [UInt8]) async throws { try await base.put(key, bytes: bytes) }
            func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws
                -> Int64
            { try await base.read(key, offset: offset, consumer: consumer) }
            func size(_ key: String) async throws -> Int64? { try await base.size(key) }
            func list(prefix: String) async throws -> [String] { try await base.list(prefix: prefix) }
            func listFolders(prefix: String) async throws -> [String] { try await base.listFolders(prefix: prefix) }
            func remove(_ key: String) async throws { try await base.remove(key) }
        }
        let f = try fixture()
        let id = try await backUpDegraded(f)
        try FileManager.default.removeItem(atPath: f.dir.file("second"))
        let recording = Recording(LocalDestination(name: "second", root: f.dir.file("second")))
        let ctx = try f.context()
        let policy = try #require(ctx.configuration.policies.first)
        try await Shipper(ctx: ctx) { spec in
            spec.name == "second" ? recording : try DestinationFactory.makeBase(spec)
        }.ship(id: id, policy: policy)
        #expect(try ctx.catalog.backup(id: id)?.status == .complete)
        let chunks = try ctx.catalog.chunks(id: id)
        let prefix = ctx.objectPrefix(host: "h1", policy: "tree", id: id)
        #expect(!chunks.isEmpty)
        #expect(recording.handed == Dictionary(uniqueKeysWithValues: chunks.map { (prefix + $0.name, $0.sha256) }))
        #expect(recording.unhashed.isEmpty)
    }

    @Test func chunksGoUpSeveralAtATimeButNoMoreThanAsked() async throws {
        let items = Array(0..<20)
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var now = 0, peak = 0, done = 0
        }
        let c = Counter()
        try await Shipper.forEach(items, concurrency: 3) { _ in
            c.lock.withLock {
                c.now += 1
                c.peak = max(c.peak, c.now)
            }
            try await Task.sleep(nanoseconds: 2_000_000)
            c.lock.withLock {
                c.now -= 1
                c.done += 1
            }
        }
        #expect(c.peak == 3)
        #expect(c.done == 20)
    }
}
