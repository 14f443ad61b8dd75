import Foundation
import LifeboatConfig
import LifeboatCore
import Testing

/// `source.method` of a postgres policy: `dump` by default; `physical` (a base backup of the whole
/// cluster) takes none of the keys that shape a dump, and anything else is refused with its line.
@Suite struct PostgresMethodTests {
    static func policy(_ source: String) -> String {
        SourceAndDestinationCheckTests.policy(kind: "postgres", source: "  dsn: \"host=db\"" + source)
    }

    @Test(arguments: [
        ("", PostgresMethod.dump, true), ("\n  method: dump", .dump, true), ("\n  method: physical", .physical, false),
    ])
    func methodLoadsWithItsDefault(extra: String, method: PostgresMethod, bundled: Bool) throws {
        let f = try PolicyFixture(policy: Self.policy(extra))
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        guard case .postgres(let s) = p.source else {
            Issue.record("not postgres: \(p.source)")
            return
        }
        #expect(s.method == method)
        #expect(s.bundled == bundled, "a physical backup is never a pg_bundle")
    }

    @Test(arguments: [
        ("\n  method: logical", 5, "source.method: 'logical' is not one of dump, physical"),
        ("\n  method: physical\n  jobs: 4", 6, "belong to method dump"),
        ("\n  method: physical\n  globals: none", 6, "belong to method dump"),
        ("\n  method: physical\n  snapshot: { provider: btrfs, volume: /v }", 6, "belong to method dump"),
    ])
    func physicalRefusesWhatOnlyADumpTakes(extra: String, at: Int, message: String) throws {
        let (e, f) = try SourceAndDestinationCheckTests.refusal(Self.policy(extra))
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):\(at):"), "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
        #expect(!e.message.contains("\n"))
    }
}
