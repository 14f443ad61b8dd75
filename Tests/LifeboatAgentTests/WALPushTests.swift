import Foundation
import LifeboatAgent
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatPipeline
import Logging
import Testing

/// `wal-push` runs once per WAL segment while the server writes on the same cores: it seals at the
/// fast gzip level whatever the policy's level, and opens no catalog; what it writes still reads back
/// as an ordinary OpenPGP message with gzip inside.
@Suite struct WALPushTests {
    /// A host whose `cluster` policy archives WAL to one local destination, with `compression` as given.
    static func host(compression: String = "") throws -> (AgentFixture, Configuration, Policy) {
        let f = try AgentFixture()
        try """
        name: cluster
        kind: postgres
        source: { dsn: "host=127.0.0.1 port=5432 user=postgres", method: physical }
        objectives: { rpo: 5m }
        encryption: { recipients: [../ops.pub.asc] }
        \(compression)
        destinations:
          - { name: nas, type: local, path: ../nas }
        """.write(toFile: f.dir.file("policies/cluster.yaml"), atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(file: f.dir.file("lifeboat.yaml"))
        let policy = try require(configuration.policies.first { $0.name == "cluster" })
        return (f, configuration, policy)
    }

    /// 4 MiB like a WAL segment: pages of varied bytes with runs of zeros.
    static func segment() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 4 << 20)
        var x: UInt64 = 0x2545_F491_4F6C_DD1D
        for i in bytes.indices where i % 8192 < 3000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[i] = UInt8(truncatingIfNeeded: x >> 61)
        }
        return bytes
    }

    @Test func walIsSealedAtLevelOneWhateverThePolicysLevel() throws {
        #expect(WALCompression.level(for: try Self.host().2) == 1)
        #expect(WALCompression.level(for: try Self.host(compression: "compression: { level: 9 }").2) == 1)
        #expect(
            WALCompression.level(for: try Self.host(compression: "compression: { algorithm: zstd, level: 3 }").2) == 1)
    }

    @Test func aPolicyWithoutCompressionSealsWALWithoutIt() throws {
        #expect(WALCompression.level(for: try Self.host(compression: "compression: { level: 0 }").2) == 0)
    }

    @Test func sealsWithoutOpeningTheCatalogAndReadsBackAsGzipInOpenPGP() async throws {
        let (f, configuration, policy) = try Self.host()
        let plain = Self.segment()
        let source = f.dir.file("000000010000000000000003")
        try Data(plain).write(to: URL(fileURLWithPath: source))
        let sealed = try WALPushUseCase(agent: configuration.agent, policy: policy, logger: Logger(label: "test"))
            .seal(path: source)
        #expect(sealed.file.name == "000000010000000000000003")
        #expect(!FileManager.default.fileExists(atPath: configuration.agent.catalog))

        let dir = configuration.agent.spool + "/.wal/cluster"
        let message = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(sealed.file.name)")))
        #expect(Int64(message.count) == sealed.size)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/\(sealed.file.name).sig"))
        let gzip = MemorySink()
        let decryptor = OpenPGPDecryptor(keys: [f.secretKey], output: gzip)
        try decryptor.write(message)
        try decryptor.finish()
        // Every member's XFL byte says "fastest" (level 1), and the whole is ordinary gzip.
        #expect(gzip.bytes.count > 9 && gzip.bytes[8] == 4)
        #expect(gzip.bytes.count < plain.count / 2)
        let back = MemorySink()
        let reader = GzipReader(output: back)
        try reader.write(gzip.bytes)
        try reader.finish()
        #expect(back.bytes == plain)

        let report = await WALShipper(agent: configuration.agent, policy: policy, logger: Logger(label: "test")).ship()
        #expect(report.shipped == 1 && report.problems.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: configuration.agent.catalog))
    }

    @Test func oneShippingPassAtATimeAPushDoesNotWaitARunDoes() async throws {
        let (f, configuration, policy) = try Self.host()
        let source = f.dir.file("000000010000000000000004")
        try Data(Self.segment()).write(to: URL(fileURLWithPath: source))
        let logger = Logger(label: "test")
        _ = try WALPushUseCase(agent: configuration.agent, policy: policy, logger: logger).seal(path: source)
        let dir = configuration.agent.spool + "/.wal/cluster"
        // Another process's pass under way: its lock held on a descriptor of its own.
        let lock = WALShipper.lockPath(spool: configuration.agent.spool, policy: "cluster")
        try FileManager.default.createDirectory(
            atPath: (lock as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let held = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        #expect(held >= 0 && flock(held, LOCK_EX) == 0)
        let shipper = WALShipper(agent: configuration.agent, policy: policy, logger: logger)
        let push = await shipper.ship()
        #expect(push.busy && push.shipped == 0 && push.waiting == 1 && push.problems.isEmpty)
        let landed = {
            ((FileManager.default.enumerator(atPath: f.dir.file("nas"))?.allObjects as? [String]) ?? [])
                .contains { $0.hasSuffix("/000000010000000000000004") }
        }
        #expect(!landed())
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.hasPrefix(".") })
        // A waiting pass (run's) goes once the other ends.
        let run = Task { await shipper.ship(waiting: true) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/000000010000000000000004"))
        close(held)
        let report = await run.value
        #expect(!report.busy && report.shipped == 1 && report.waiting == 0)
        #expect(landed())
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/000000010000000000000004"))
    }
}
