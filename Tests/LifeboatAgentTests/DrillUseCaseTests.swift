import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import Logging
import Testing

@testable import LifeboatAgent

/// A drill starts from what the destinations hold alone: a real backup host's backup, read by a recovery
/// host that has only the secret key and the host's public signing key. A good backup passes and is
/// recorded; a damaged chunk fails and says which; the scratch folder is empty either way.
@Suite struct DrillUseCaseTests {
    func recoveryContext(_ f: AgentFixture) throws -> RecoveryContext {
        let secret = try f.gnupg.exportSecret(f.secretKey.fingerprint)
        try Data(secret).write(to: URL(fileURLWithPath: f.dir.file("ops.sec.asc")))
        let signing = try OpenPGPSigningKey.load(contentsOf: f.dir.file("state/signing-key.asc"))
        try signing.publicArmored.write(toFile: f.dir.file("h1.pub.asc"), atomically: true, encoding: .utf8)
        try """
        role: recovery
        catalog: recovery/drills.sqlite
        scratch: recovery/scratch
        destinations:
          - { name: first, type: local, path: first }
          - { name: second, type: local, path: second }
        identities: [{ key: ops.sec.asc }]
        trusted_signers: [h1.pub.asc]
        """.write(toFile: f.dir.file("recovery.yaml"), atomically: true, encoding: .utf8)
        let config = try RecoveryConfig.load(file: f.dir.file("recovery.yaml"))
        try DrillScratch.prepare(config.scratch)
        let now = f.clock
        return try RecoveryContext(
            config: config, catalog: try RecoveryCatalog(path: config.catalog), logger: Logger(label: "test"),
            now: { now })
    }

    @Test func aGoodBackupPassesAndADamagedChunkFailsSayingWhich() async throws {
        let f = try AgentFixture()
        let id = try await f.backUp()
        let ctx = try recoveryContext(f)
        let passed = try await DrillUseCase(ctx).run(host: "h1", policy: "tree")
        #expect(passed.verdict == .passed, "\(passed.record)")
        #expect(passed.record.backupID == id.rawValue && passed.record.bytes > 2_500_000)
        #expect(passed.record.detail.contains("extracted") && passed.digest?.contains("match") == true)
        #expect(try ctx.catalog.lastDrill(host: "h1", policy: "tree") == passed.record)
        #expect(try FileManager.default.contentsOfDirectory(atPath: ctx.config.scratch).isEmpty)

        for destination in ["first", "second"] {
            let chunk = f.objectDirectory(destination, id) + "/data.000001"
            let handle = try require(FileHandle(forUpdatingAtPath: chunk))
            try handle.seek(toOffset: 10)
            try handle.write(contentsOf: Data("XX".utf8))
            try handle.close()
        }
        let failed = try await DrillUseCase(ctx).run(host: "h1", policy: "tree")
        #expect(failed.verdict == .failed)
        #expect(failed.record.error?.contains("data.000001 is damaged") == true, "\(failed.record)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: ctx.config.scratch).isEmpty)
        #expect(try ctx.catalog.drills(host: "h1", policy: "tree").map(\.result) == [.failed, .passed])
    }

    @Test func aPolicyWithNoTrustedIndexFailsSayingSo() async throws {
        let f = try AgentFixture()
        _ = try await f.backUp()
        let ctx = try recoveryContext(f)
        let outcome = try await DrillUseCase(ctx).run(host: "h1", policy: "nothing")
        #expect(outcome.verdict == .failed)
        #expect(outcome.record.error?.hasPrefix("no trusted latest.json: first: latest.json is missing") == true)
    }
}
