import Foundation
import LifeboatConfig
import LifeboatCore
import Testing

/// `object_lock` and `delete`: what loads comes out typed; a mode other than the two or days out of
/// range is refused at load with the policy file and line (exit 65).
@Suite struct ImmutabilityConfigTests {
    static func s3(_ extra: String) -> String {
        "  - { name: a, type: s3, endpoint: \"http://127.0.0.1:9\", bucket: b\(extra) }"
    }

    static func load(_ destination: String) throws -> DestinationSpec {
        let f = try PolicyFixture(
            policy: SourceAndDestinationCheckTests.policy(
                kind: "files", source: "  paths: [/a]", destinations: destination))
        return try #require(try Configuration.load(file: f.configPath).policies.first?.destinations.first)
    }

    @Test func objectLockAndDeleteLoad() throws {
        let d = try Self.load(Self.s3(", object_lock: { mode: compliance, days: 30 }, delete: false"))
        guard case .s3(let s3) = d.location else {
            Issue.record("not s3")
            return
        }
        #expect(s3.objectLock?.mode == .compliance)
        #expect(s3.objectLock?.days == 30)
        #expect(s3.objectLock?.line == 8)
        #expect(d.deletes == false)
    }

    @Test func withoutTheKeysNothingIsLockedAndDeletesAreAllowed() throws {
        let d = try Self.load(Self.s3(""))
        guard case .s3(let s3) = d.location else {
            Issue.record("not s3")
            return
        }
        #expect(s3.objectLock == nil)
        #expect(d.deletes)
    }

    @Test(arguments: [
        (
            ", object_lock: { mode: legal-hold, days: 7 }",
            "object_lock.mode: 'legal-hold' is not one of governance, compliance"
        ),
        (", object_lock: { mode: GOVERNANCE, days: 7 }", "object_lock.mode: 'GOVERNANCE' is not one of"),
        (", object_lock: { mode: governance, days: 0 }", "object_lock.days must be a whole number from 1 to 36500"),
        (", object_lock: { mode: governance, days: 36501 }", "object_lock.days must be a whole number from 1 to 36500"),
        (", object_lock: { mode: governance, days: 7d }", "object_lock.days must be a whole number"),
        (", object_lock: { mode: governance }", "days is required"),
        (", object_lock: { days: 3 }", "mode is required"),
        (", object_lock: { mode: governance, days: 3, legal_hold: true }", "unknown key"),
        (", object_lock: governance", "object_lock must be a mapping"),
        (", delete: sometimes", "delete must be true or false"),
    ])
    func badLockSettingsAreRefusedWithFileAndLine(extra: String, message: String) throws {
        let (e, f) = try SourceAndDestinationCheckTests.refusal(
            SourceAndDestinationCheckTests.policy(kind: "files", source: "  paths: [/a]", destinations: Self.s3(extra)))
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):8: "), "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
        #expect(!e.message.contains("\n"))
    }

    @Test func objectLockIsAnS3KeyOnly() throws {
        let (e, _) = try SourceAndDestinationCheckTests.refusal(
            SourceAndDestinationCheckTests.policy(
                kind: "files", source: "  paths: [/a]",
                destinations: "  - { name: a, type: local, path: /x, object_lock: { mode: governance, days: 1 } }"))
        #expect(e.exitCode == 65)
        #expect(e.message.contains("unknown key"), "\(e.message)")
    }
}
