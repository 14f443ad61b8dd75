import Foundation
import LifeboatTestSupport

/// A config folder with one policy file written from text, for config tests.
struct PolicyFixture {
    let dir: TemporaryDirectory
    var configPath: String { dir.file("lifeboat.yaml") }
    var policyPath: String { dir.file("policies/p.yaml") }

    static let goodPolicy = """
        name: www-config
        kind: files
        data: configuration
        source:
          paths: [/etc/app, conf]
          exclude: ["*.tmp"]
        objectives:
          rpo: 24h
          rto: 1h
          priority: high
          scenario: "someone deletes the config"
        schedule: every 6h
        encryption:
          recipients: [keys/ops.pub.asc]
        compression: { level: 9 }
        chunk_size: 8MiB
        destinations:
          - { name: onsite, type: local, path: /mnt/nas, failure_domain: site-a }
        retention:
          keep_last: 2
          deleted_grace: 7d
        """

    init(policy: String = PolicyFixture.goodPolicy, config: String? = nil) throws {
        dir = try TemporaryDirectory(prefix: "cfg")
        try FileManager.default.createDirectory(atPath: dir.file("policies"), withIntermediateDirectories: true)
        try (config ?? "host: db1\npolicies: policies\ncatalog: state/catalog.sqlite\nspool: state/spool\n")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        try policy.write(toFile: policyPath, atomically: true, encoding: .utf8)
    }
}
