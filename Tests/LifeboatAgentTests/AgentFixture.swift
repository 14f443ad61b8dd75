import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatTestSupport
import Logging

/// A host in a folder: a config, a policy for a small file tree with two local destinations, and a
/// key pair made by real GnuPG (the public half for the policy, the secret half for restores).
final class AgentFixture {
    let dir: TemporaryDirectory
    let gnupg: GnuPGHome
    let secretKey: OpenPGPSecretKey
    var clock: Date

    static let policy = policy(second: "{ name: second, type: local, path: ../second }")

    /// The `tree` policy: the file tree to two local destinations, `first` and `second` as given.
    static func policy(second: String) -> String {
        """
        name: tree
        kind: files
        source: { paths: [../tree] }
        objectives: { rpo: 24h }
        encryption: { recipients: [../ops.pub.asc] }
        chunk_size: 1MiB
        destinations:
          - { name: first, type: local, path: ../first }
          - \(second)
        """
    }

    /// Writes the agent config, with `extra` lines (spool_max, metrics_textfile...).
    func writeConfig(extra: String = "") throws {
        try "host: h1\npolicies: policies\ncatalog: state/catalog.sqlite\nspool: state/spool\n\(extra)"
            .write(toFile: dir.file("lifeboat.yaml"), atomically: true, encoding: .utf8)
    }

    init() throws {
        dir = try TemporaryDirectory(prefix: "agent")
        gnupg = try GnuPGHome()
        let fpr = try gnupg.generateCurve25519(name: "ops")
        try Data(try gnupg.exportPublic(fpr)).write(to: URL(fileURLWithPath: dir.file("ops.pub.asc")))
        secretKey = try OpenPGPSecretKey(bytes: try gnupg.exportSecret(fpr), passphrase: nil)
        clock = Date(timeIntervalSince1970: 1_750_000_000)
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.file("policies"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir.file("tree/sub"), withIntermediateDirectories: true)
        try writeConfig()
        try Self.policy.write(toFile: dir.file("policies/tree.yaml"), atomically: true, encoding: .utf8)
        try writeTree(version: 1)
    }

    deinit { gnupg.stop() }

    /// Fills the tree with about 2.5 MiB that differs by version, so each backup has several chunks.
    func writeTree(version: Int) throws {
        var bytes = [UInt8](repeating: 0, count: 2_500_000)
        var x = UInt64(version) &* 0x9E37_79B9_7F4A_7C15
        for i in bytes.indices {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[i] = UInt8(truncatingIfNeeded: x >> 56)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("tree/sub/data.bin")))
        try "version \(version)\n".write(toFile: dir.file("tree/version.txt"), atomically: true, encoding: .utf8)
    }

    func context() throws -> AgentContext {
        let configuration = try Configuration.load(file: dir.file("lifeboat.yaml"))
        let catalog = try Catalog(path: configuration.agent.catalog)
        let now = clock
        return AgentContext(configuration: configuration, catalog: catalog, logger: Logger(label: "test"), now: { now })
    }

    /// Backs the tree up once and returns the backup id.
    func backUp() async throws -> BackupID {
        let ctx = try context()
        let outcomes = try await BackupUseCase(ctx).run(policies: ctx.configuration.policies)
        clock = clock.addingTimeInterval(3600)
        guard let id = outcomes.first?.id, outcomes.first?.status == .complete else {
            throw LifeboatError.failed("backup did not complete: \(outcomes)")
        }
        return id
    }

    func restore(
        to target: String, backupID: BackupID? = nil, key: OpenPGPSecretKey? = nil, signerFiles: [String] = [],
        allowUnsigned: Bool = false
    ) async throws -> RestoreUseCase.Result {
        let ctx = try context()
        let policy = try require(ctx.configuration.policies.first)
        return try await RestoreUseCase(ctx).run(
            .init(
                policy: policy, target: target, identity: key ?? secretKey, backupID: backupID.map(RequestedBackup.id),
                includeSoftDeleted: false,
                signerFiles: signerFiles, allowUnsigned: allowUnsigned))
    }

    /// The folder of one backup at one destination.
    func objectDirectory(_ destination: String, _ id: BackupID) -> String {
        dir.file("\(destination)/h1/tree/\(id)")
    }

    /// The restored copy of the tree's version file.
    func restoredVersion(_ target: String) throws -> String {
        try String(contentsOfFile: target + dir.file("tree/version.txt"), encoding: .utf8)
    }
}

func require<T>(_ value: T?) throws -> T {
    guard let value else { throw LifeboatError.failed("missing value") }
    return value
}
