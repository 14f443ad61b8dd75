import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatPlan
import LifeboatTestSupport
import Logging
import Testing

/// The plan built from the fleet: objectives from each signed index, the drill measured against the
/// RTO, copies by failure domain, the refused indexes as warnings, and the keys by fingerprint.
struct FleetPlanTests {
    let dir: TemporaryDirectory
    let ctx: RecoveryContext
    let identityFingerprint: String
    let signerFingerprint: String
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        dir = try TemporaryDirectory(prefix: "plan")
        let (signer, _) = try OpenPGPSigningKey.generate(userID: "lifeboat host db1")
        try signer.publicArmored.write(toFile: dir.file("db1.signing.pub.asc"), atomically: true, encoding: .utf8)
        let identity = try OpenPGPKeygen.generate(
            name: "ops", email: nil, passphrase: nil, algorithm: .curve25519)
        try identity.secretArmored.write(toFile: dir.file("ops.sec.asc"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir.file("nas"), withIntermediateDirectories: true)
        try """
        role: recovery
        catalog: state/recovery.sqlite
        scratch: state/scratch
        destinations:
          - { name: nas, type: local, path: nas, failure_domain: site-a }
        identities:
          - { key: ops.sec.asc }
        trusted_signers: [db1.signing.pub.asc]
        """.write(toFile: dir.file("recovery.yaml"), atomically: true, encoding: .utf8)
        let config = try RecoveryConfig.load(file: dir.file("recovery.yaml"))
        let at = now
        ctx = try RecoveryContext(config: config, catalog: try RecoveryCatalog(), logger: Logger(label: "test")) { at }
        identityFingerprint = identity.fingerprint
        signerFingerprint = signer.fingerprint
    }

    func index(policy: String, kind: String, rto: Int64?, age: TimeInterval) -> LatestIndex {
        let started = Timestamp.iso8601(now.addingTimeInterval(-age))
        return LatestIndex(
            host: "db1", policy: policy, kind: kind, id: "20261129T120000Z-abcdef", started: started,
            finished: started, payload: kind == "files" ? "tar" : kind, payloadSize: 10, payloadSHA256: nil,
            objectives: Manifest.Objectives(
                rpo: 86400, rto: rto, priority: "high", scenario: "Disk dies | <b>", schedule: 43200, drill: 2_592_000),
            signer: signerFingerprint)
    }

    var entries: [FleetEntry] {
        let drill = DrillRecord(
            host: "db1", policy: "ratings", backupID: "20261129T120000Z-abcdef", started: now.addingTimeInterval(-60),
            finished: now, result: .passed, seconds: 12.5, bytes: 10, rtoSeconds: 3600, detail: "integrity_check ok",
            error: nil)
        return [
            FleetEntry(
                host: "db2", policy: "gone", latest: nil, holding: [], problems: ["nas: latest.json is not signed"],
                lastDrill: nil),
            FleetEntry(
                host: "db1", policy: "ratings", latest: index(policy: "ratings", kind: "sqlite", rto: 3600, age: 7200),
                holding: ["nas"], problems: [], lastDrill: drill),
            FleetEntry(
                host: "db1", policy: "etc", latest: index(policy: "etc", kind: "files", rto: nil, age: 200_000),
                holding: ["nas"], problems: [], lastDrill: nil),
        ]
    }

    @Test func servicesCarryObjectivesAndMeasurements() throws {
        let plan = FleetPlan.build(ctx, entries: entries)
        #expect(plan.services.map(\.name) == ["db1/etc", "db1/ratings", "db2/gone"])
        let ratings = plan.services[1]
        #expect(ratings.rpo == "1d")
        #expect(ratings.rto == "1h")
        #expect(ratings.scenario == "Disk dies | <b>")
        #expect(ratings.newestBackup == "2h old (20261129T120000Z-abcdef): within the RPO")
        #expect(ratings.restoreTime == "12.5s of 1h: met")
        #expect(ratings.lastDrill.hasSuffix(": passed (integrity_check ok)"))
        let etc = plan.services[0]
        #expect(etc.rto == "not set")
        #expect(etc.restoreTime == "not measured")
        #expect(etc.newestBackup.hasSuffix("out of the RPO"))
        #expect(plan.services[2].rpo == "unknown")
        #expect(plan.warnings == ["db2/gone: nas: latest.json is not signed"])
        #expect(plan.subject.contains("2 hosts (db1, db2), 3 policies"))
    }

    @Test func resourcesAndCommands() throws {
        let plan = FleetPlan.build(ctx, entries: entries)
        #expect(plan.resources.count == 3)
        #expect(plan.resources[1].copies == "site-a (nas)")
        #expect(plan.resources[2].copies.hasPrefix("none"))
        let ratings = plan.procedures[1]
        #expect(ratings.lifeboat.contains("lifeboat drill db1/ratings --config \(dir.file("recovery.yaml"))"))
        #expect(ratings.lifeboat.contains("lifeboat rebuild-catalog ratings --host db1"))
        #expect(ratings.lifeboat.contains("lifeboat restore ratings --to ratings.db --identity KEY.sec.asc"))
        #expect(ratings.stock.contains("B=\(dir.file("nas"))/db1/ratings/20261129T120000Z-abcdef"))
        #expect(ratings.stock.contains("sqlite3 ratings.db 'PRAGMA integrity_check'"))
        #expect(
            plan.procedures[0].stock.contains(
                "mkdir restored && cat \"$B\"/data.* | gpg --decrypt | $INFLATE | tar -x -C restored"))
    }

    @Test func keysByFingerprintWithoutUnlocking() throws {
        let plan = FleetPlan.build(ctx, entries: entries)
        #expect(plan.keys.contains { $0.role.hasPrefix("identity") && $0.fingerprint == identityFingerprint })
        #expect(plan.keys.contains { $0.role.hasPrefix("trusted signer") && $0.fingerprint == signerFingerprint })
        #expect(plan.keys.contains { $0.role.hasPrefix("host signing key") && $0.label.hasPrefix("db1") })
        #expect(plan.custody.contains { $0.contains("second place off every backup host") })
    }

    @Test func rendersBothFormats() throws {
        let plan = FleetPlan.build(ctx, entries: entries)
        let html = try PlanRenderer.render(plan, as: .html)
        #expect(html.contains("Disk dies | &lt;b&gt;"))
        let markdown = try PlanRenderer.render(plan, as: .markdown)
        #expect(markdown.contains("| db1/ratings | Disk dies \\| \\<b\\> | 1d | 1h | high |"))
    }
}
