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

/// The plan built from a backup host's policies: objectives as the policies set them (an RTO may be
/// missing), the empty catalog said plainly, restore commands per kind, and the recipients by fingerprint.
struct HostPlanTests {
    let dir: TemporaryDirectory
    let recipient: String
    let plan: RecoveryPlan

    init() throws {
        dir = try TemporaryDirectory(prefix: "hostplan")
        let key = try OpenPGPKeygen.generate(name: "ops", email: nil, passphrase: nil, algorithm: .curve25519)
        try key.publicArmored.write(toFile: dir.file("ops.pub.asc"), atomically: true, encoding: .utf8)
        recipient = key.fingerprint
        try FileManager.default.createDirectory(atPath: dir.file("policies"), withIntermediateDirectories: true)
        try "host: db1\npolicies: policies\ncatalog: state/catalog.sqlite\nspool: state/spool\n"
            .write(toFile: dir.file("lifeboat.yaml"), atomically: true, encoding: .utf8)
        try """
        name: orders
        kind: postgres
        source: { dsn: "host=10.0.0.5 port=5432 dbname=orders user=backup" }
        objectives: { rpo: 1h, rto: 4h, priority: high, scenario: "Primary <lost> | replica too" }
        encryption: { recipients: [../ops.pub.asc] }
        destinations:
          - { name: nas, type: local, path: ../nas, failure_domain: site-a }
        """.write(toFile: dir.file("policies/orders.yaml"), atomically: true, encoding: .utf8)
        try """
        name: shop
        kind: mariadb
        source: { socket: /run/mysqld/mysqld.sock, user: root, database: shop }
        objectives: { rpo: 24h }
        encryption: { recipients: [../ops.pub.asc] }
        destinations:
          - { name: nas, type: local, path: ../nas }
        """.write(toFile: dir.file("policies/shop.yaml"), atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(file: dir.file("lifeboat.yaml"))
        let ctx = AgentContext(
            configuration: configuration, catalog: try Catalog(path: dir.file("state/catalog.sqlite")),
            logger: Logger(label: "test"), now: { Date(timeIntervalSince1970: 1_800_000_000) })
        plan = try HostPlan.build(ctx)
    }

    @Test func servicesFromThePolicies() {
        #expect(plan.services.map(\.name) == ["orders", "shop"])
        #expect(plan.services[0].scenario == "Primary <lost> | replica too")
        #expect(plan.services[0].rto == "4h")
        #expect(plan.services[1].rto == "not set")
        #expect(plan.services[1].scenario == "not described")
        #expect(plan.services[1].priority == "medium")
        #expect(plan.services.allSatisfy { $0.newestBackup == "none complete: out of the RPO" })
        #expect(plan.subject == "backup host db1 (2 policies)")
        #expect(plan.generatedAt == "2027-01-15T08:00:00Z")
    }

    @Test func resourcesAndDatabaseCommands() {
        #expect(
            plan.resources[0].location.contains(
                "nas: local folder \(dir.file("nas"))/db1/orders/, failure domain site-a"))
        #expect(plan.resources[0].copies.hasPrefix("none"))
        let orders = plan.procedures[0].lifeboat
        #expect(orders.contains("createdb orders_restored"))
        // A folder (pg_bundle) or one file (pg_dump-custom): not named like a file of either.
        #expect(orders.first?.contains("--to orders-dump --identity KEY.sec.asc") == true)
        #expect(orders.last?.contains("--into 'host=10.0.0.5 port=5432 user=backup dbname=orders_restored'") == true)
        #expect(
            plan.procedures[0].stock.contains(
                "  pg_restore --no-owner --no-privileges --exit-on-error --dbname=orders_restored orders.dump"))
        // A pg_bundle (the manifest's payload says so): the roles, then the directory-format dump.
        #expect(
            plan.procedures[0].stock.contains(
                "  mkdir orders-bundle && cat \"$B\"/data.* | gpg --decrypt | $INFLATE | tar -x -C orders-bundle"))
        #expect(
            plan.procedures[0].stock.contains(
                "  pg_restore --exit-on-error --dbname=orders_restored orders-bundle/database"))
        #expect(
            plan.procedures[1].lifeboat.last?.contains(
                "--into 'socket=/run/mysqld/mysqld.sock user=root database=shop_restored'") == true)
        #expect(
            plan.procedures[1].stock.contains("  cat \"$B\"/data.* | gpg --decrypt | $INFLATE | mariadb shop_restored"))
        #expect(
            plan.procedures[1].stock.contains(
                "  cat \"$B\"/data.* | gpg --decrypt | $INFLATE | mariadb  # on a fresh server"))
        #expect(plan.procedures.allSatisfy { $0.notes.contains { $0.hasPrefix("BACKUP-ID") } })
    }

    @Test func custodyNamesTheRecipientOnce() {
        let recipients = plan.keys.filter { $0.role.hasPrefix("recipient") }
        #expect(recipients.count == 1)
        #expect(recipients.first?.fingerprint == recipient)
        #expect(
            plan.keys.contains { $0.role.hasPrefix("host signing key") && $0.fingerprint.hasPrefix("not made yet") })
        #expect(plan.custody.contains { $0.contains("two places off this host") })
        #expect(plan.warnings.isEmpty)
    }

    @Test func rendersThePolicyWithoutRTO() throws {
        let markdown = try PlanRenderer.render(plan, as: .markdown)
        #expect(markdown.contains("| shop | not described | 1d | not set | medium |"))
        #expect(markdown.contains("| orders | Primary \\<lost\\> \\| replica too | 1h | 4h | high |"))
        let html = try PlanRenderer.render(plan, as: .html)
        #expect(html.contains("<tr><td>shop</td><td>not described</td><td>1d</td><td>not set</td><td>medium</td>"))
    }
}
