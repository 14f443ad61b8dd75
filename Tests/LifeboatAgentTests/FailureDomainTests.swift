import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import Testing

/// Destinations in one failure domain can be lost together: a policy whose destinations name fewer than
/// two is warned about, `check` says so, `min_failure_domains` makes it a WARNING for the newest complete
/// backup, and `list --json` and the metrics name each destination's domain.
@Suite struct FailureDomainTests {
    /// The fixture's `tree` policy with two local destinations in the domains given (nil: none named).
    static func fixture(_ first: String?, _ second: String?, extra: String = "") throws -> AgentFixture {
        let f = try AgentFixture()
        func domain(_ d: String?) -> String { d.map { ", failure_domain: \($0)" } ?? "" }
        let text = """
            name: tree
            kind: files
            source: { paths: [../tree] }
            objectives: { rpo: 24h }
            encryption: { recipients: [../ops.pub.asc] }
            chunk_size: 1MiB
            destinations:
              - { name: first, type: local, path: ../first\(domain(first)) }
              - { name: second, type: local, path: ../second\(domain(second)) }
            \(extra)
            """
        try text.write(toFile: f.dir.file("policies/tree.yaml"), atomically: true, encoding: .utf8)
        return f
    }

    static func policy(_ f: AgentFixture) throws -> Policy {
        try require(try f.context().configuration.policies.first)
    }

    @Test func fewerThanTwoNamedDomainsIsWarnedAbout() throws {
        let none = try FailureDomains.sharedDomainWarning(Self.policy(Self.fixture(nil, nil)))
        #expect(none == "no destination names a failure_domain: nothing shows that one loss cannot take every copy")
        let same = try FailureDomains.sharedDomainWarning(Self.policy(Self.fixture("site-a", "site-a")))
        #expect(same == "all destinations are in one failure domain, site-a: one loss can take every copy")
        let half = try FailureDomains.sharedDomainWarning(Self.policy(Self.fixture(nil, "site-a")))
        #expect(
            half == "all destinations are in one failure domain, site-a (first name none): one loss can take every copy"
        )
        #expect(try FailureDomains.sharedDomainWarning(Self.policy(Self.fixture("site-a", "cloud-b"))) == nil)
    }

    @Test func checkCarriesTheSharedDomainWithoutChangingTheStatus() async throws {
        let f = try Self.fixture("site-a", "site-a")
        _ = try await f.backUp()
        let ctx = try f.context()
        let r = try require(try CheckUseCase(ctx).run(policies: ctx.configuration.policies).first)
        #expect(r.status == .ok, "\(r.message)")
        #expect(
            r.message.hasSuffix("; all destinations are in one failure domain, site-a: one loss can take every copy"))
    }

    @Test func minFailureDomainsMakesCheckAWarningWhenTheNewestCompleteBackupIsHeldInFewer() async throws {
        let short = try Self.fixture("site-a", "site-a", extra: "min_failure_domains: 2")
        _ = try await short.backUp()
        let ctx = try short.context()
        let r = try require(try CheckUseCase(ctx).run(policies: ctx.configuration.policies).first)
        #expect(r.status == .warning)
        #expect(
            r.message.contains(
                "newest complete backup is held in 1 failure domain(s) (site-a), fewer than min_failure_domains 2"),
            "\(r.message)")

        let enough = try Self.fixture("site-a", "cloud-b", extra: "min_failure_domains: 2")
        _ = try await enough.backUp()
        let ctx2 = try enough.context()
        let ok = try require(try CheckUseCase(ctx2).run(policies: ctx2.configuration.policies).first)
        #expect(ok.status == .ok, "\(ok.message)")
        #expect(!ok.message.contains("failure domain"), "\(ok.message)")
    }

    @Test func listJSONAndTheMetricsNameEachDestinationsDomain() async throws {
        let f = try Self.fixture("site-a", nil)
        let id = try await f.backUp()
        let ctx = try f.context()
        let records = try ctx.catalog.backups(policy: "tree")
        let json = try BackupListing.json(records, domains: ["tree": ["first": "site-a"]])
        let items = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let item = try #require(items.first { $0["id"] as? String == id.rawValue })
        let dests = try #require(item["destinations"] as? [[String: Any]])
        #expect(dests.first { $0["name"] as? String == "first" }?["failure_domain"] as? String == "site-a")
        #expect(dests.first { $0["name"] as? String == "second" }?["failure_domain"] is NSNull)

        let text = MetricsTextfile.render(try MetricsTextfile.snapshot(ctx))
        #expect(
            text.contains(
                "lifeboat_destination_info{policy=\"tree\",destination=\"first\",failure_domain=\"site-a\"} 1\n"))
        #expect(
            text.contains("lifeboat_destination_info{policy=\"tree\",destination=\"second\",failure_domain=\"\"} 1\n"))
        #expect(text.contains("lifeboat_policy_failure_domains{policy=\"tree\"} 1\n"))
    }
}
