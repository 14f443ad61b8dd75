import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatTestSupport
import Testing

/// What a reader does with what it cannot trust: rows from the future, keys about to expire,
/// unsigned or foreign-signed backups.
@Suite(.serialized) struct TrustTests {
    let now = Date(timeIntervalSince1970: 1_735_000_000)

    /// A row dated tomorrow (a wrong clock, or a planted backup imported before signing) neither satisfies
    /// the RPO nor stops the policy from being backed up; check names it as a warning.
    @Test func aBackupFromTheFutureCountsForNothing() throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }", "old": "objectives: { rpo: 24h }"])
        f.clock.now = now
        try f.insert(policy: "db", started: now.addingTimeInterval(-3600), status: .complete)
        let future = try f.insert(policy: "db", started: now.addingTimeInterval(86400), status: .complete)
        let planted = try f.insert(policy: "old", started: now.addingTimeInterval(86400), status: .complete)
        try f.insert(policy: "old", started: now.addingTimeInterval(-30 * 3600), status: .complete)
        let ctx = try f.context()
        let results = Dictionary(
            uniqueKeysWithValues: try CheckUseCase(ctx).run(policies: ctx.configuration.policies).map {
                ($0.policy, $0)
            })
        #expect(results["db"]?.status == .warning)
        #expect(results["db"]?.ageSeconds == 3600)
        #expect(results["db"]?.message.contains("\(future) is dated in the future") == true)
        #expect(results["old"]?.status == .critical)
        #expect(results["old"]?.message.contains(planted.rawValue) == true)

        // Due-ness ignores it too: `old` is due although its newest row says tomorrow.
        let summaries = try ctx.catalog.policySummaries(["db", "old"], now: now)
        let due = Scheduler.duePolicies(
            ctx.configuration.policies, summaries: Dictionary(uniqueKeysWithValues: summaries.map { ($0.policy, $0) }),
            now: now)
        #expect(due.map(\.policy.name) == ["old"])
        // Without the clock the stored summary still says tomorrow: that is what the fix corrects.
        #expect(try ctx.catalog.policySummaries(["old"]).first?.newestComplete?.id == planted)
    }

    /// A recipient key that expires within 30 days is a warning; a policy with no usable recipient is critical.
    @Test(arguments: [("20d", Compliance.Status.warning, "expires on"), ("expired", .critical, "no usable recipient")])
    func recipientKeyExpiry(expiry: String, status: Compliance.Status, text: String) throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"])
        let home = try GnuPGHome()
        defer { home.stop() }
        let fake = expiry == "expired" ? ["--faked-system-time", "20200101T000000!"] : []
        let period = expiry == "expired" ? "1y" : expiry
        _ = try home.gpg(
            fake + ["--passphrase", "", "--quick-gen-key", "Exp <e@example.invalid>", "ed25519", "sign,cert", period])
        let fpr = try home.fingerprint(of: "Exp")
        _ = try home.gpg(fake + ["--passphrase", "", "--quick-add-key", fpr, "cv25519", "encr", period])
        try Data(try home.exportPublic(fpr)).write(to: URL(fileURLWithPath: f.dir.file("ops.pub.asc")))
        let real = Date()
        f.clock.now = real
        try f.insert(policy: "db", started: real.addingTimeInterval(-3600), status: .complete)
        let ctx = try f.context()
        let r = try #require(try CheckUseCase(ctx).run(policies: ctx.configuration.policies).first)
        #expect(r.status == status, "\(r.message)")
        #expect(r.message.contains(text), "\(r.message)")
    }

    /// A signing key the operator brought (gpg-made, sign-only, expiring in 20 days) is used, and check
    /// warns that it will expire; a protected one is refused as bad input.
    @Test func signingKeyExpiryIsAWarning() throws {
        let f = try RunFixture(policies: ["db": "objectives: { rpo: 24h }"])
        let home = try GnuPGHome()
        defer { home.stop() }
        _ = try home.gpg(["--passphrase", "", "--quick-gen-key", "Host <h@example.invalid>", "ed25519", "sign", "20d"])
        let fpr = try home.fingerprint(of: "Host")
        let path = f.dir.file("state/signing-key.asc")
        try FileManager.default.createDirectory(atPath: f.dir.file("state"), withIntermediateDirectories: true)
        FileManager.default.createFile(
            atPath: path, contents: Data(try home.exportSecret(fpr)), attributes: [.posixPermissions: 0o600])
        let real = Date()
        f.clock.now = real
        try f.insert(policy: "db", started: real.addingTimeInterval(-3600), status: .complete)
        let ctx = try f.context()
        #expect(try ctx.signingKey().fingerprint == fpr)
        let r = try #require(try CheckUseCase(ctx).run(policies: ctx.configuration.policies).first)
        #expect(r.status == .warning, "\(r.message)")
        #expect(r.message.contains("signing key \(fpr) expires on"), "\(r.message)")
    }

    /// An unsigned copy is refused and restore walks back, unless --allow-unsigned; a signed manifest whose
    /// chunk names leave the work folder is refused before any name becomes a path.
    @Test func restoreTrustsOnlySignedManifestsThatDescribeTheBackup() async throws {
        let f = try AgentFixture()
        let older = try await f.backUp()
        try f.writeTree(version: 2)
        let newer = try await f.backUp()
        for d in ["first", "second"] {
            try FileManager.default.removeItem(atPath: f.objectDirectory(d, newer) + "/manifest.json.sig")
        }
        let r = try await f.restore(to: f.dir.file("out1"))
        #expect(r.id == older)
        #expect(r.skipped.count == 1 && r.skipped[0].contains("not signed"), "\(r.skipped)")
        let unsigned = try await f.restore(to: f.dir.file("out2"), allowUnsigned: true)
        #expect(unsigned.id == newer)

        // Signed by the host's own key, yet hostile: the chunk names climb out of the work folder.
        let ctx = try f.context()
        for d in ["first", "second"] {
            let path = f.objectDirectory(d, newer) + "/manifest.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "\"data.000000\"", with: "\"../../../escaped\"")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try Data(try ctx.signingKey().sign(Array(text.utf8), now: f.clock))
                .write(to: URL(fileURLWithPath: path + ".sig"))
        }
        let walked = try await f.restore(to: f.dir.file("out3"))
        #expect(walked.id == older)
        #expect(walked.skipped.first?.contains("chunk 0 is named") == true, "\(walked.skipped)")
        let found = FileManager.default.enumerator(atPath: f.dir.path)?.compactMap { $0 as? String }.filter {
            $0.hasSuffix("escaped")
        }
        #expect(found == [])
        #expect(!FileManager.default.fileExists(atPath: "/escaped"))
    }
}
