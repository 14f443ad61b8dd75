import LifeboatPlan

/// Plans to render: one with a hostile scenario and a policy without RTO, as a config could hold them.
enum PlanSamples {
    static let hostile = "<script>alert(1)</script> | rm -rf / \n# not a heading & *bold*"

    static var plan: RecoveryPlan {
        RecoveryPlan(
            title: "Disaster recovery plan: db1", subject: "backup host db1 (2 policies)",
            generatedAt: "2026-11-29T14:00:00Z",
            services: [
                .init(
                    name: "ratings-db", scenario: hostile, rpo: "24h", rto: "1h", priority: "high",
                    newestBackup: "2h old (20261129T120000Z-abcdef): within the RPO", lastDrill: "never drilled",
                    restoreTime: "not measured"),
                .init(
                    name: "etc", scenario: "not described", rpo: "7d", rto: "not set", priority: "low",
                    newestBackup: "none complete: out of the RPO", lastDrill: "never drilled",
                    restoreTime: "not measured"),
            ],
            resources: [
                .init(
                    name: "ratings-db", strategy: "copy of a|b", location: "nas: local folder /mnt/<x>/db1/ratings-db/",
                    procedure: "Restore the database file", copies: "site-a (nas)"),
                .init(
                    name: "etc", strategy: "pax tar", location: "nas", procedure: "Restore the tree",
                    copies: "none"),
            ],
            procedures: [
                .init(
                    name: "ratings-db", kind: "sqlite",
                    lifeboat: ["lifeboat restore ratings-db --to ratings-db.db --identity KEY.sec.asc"],
                    stock: ["cat data.* | gpg --decrypt | gunzip > 'ratings-db.db'", "echo '```'"],
                    notes: ["a note with <b>"])
            ],
            keys: [
                .init(role: "recipient", label: "keys/ops.pub.asc (Ops <ops@example.invalid>)", fingerprint: "ABCD")
            ],
            custody: ["The secret key is kept in two places off the host."], warnings: [])
    }
}
