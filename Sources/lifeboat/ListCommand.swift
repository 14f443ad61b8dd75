import ArgumentParser
import LifeboatAgent
import LifeboatCLI
import LifeboatCatalog

extension Lifeboat {
    /// `lifeboat list [POLICY] [--json]`: the catalog's backups, newest first.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the catalog's backups, newest first.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only this policy, or only the backups whose id starts with this (e.g. 20261129).")
        var policy: String?
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Include deleted, soft-deleted and purged backups.") var all = false

        func run() async throws {
            try await Failure.guarded(json: json) {
                let ctx = try global.context()
                var records: [BackupRecord]
                if let policy, !ctx.configuration.policies.contains(where: { $0.name == policy }),
                    let first = policy.first, first.isNumber
                {
                    // Not a policy: an id prefix, over every policy.
                    records = try ctx.catalog.backups(policy: nil, includeRemoved: all).filter {
                        $0.id.rawValue.hasPrefix(policy)
                    }
                } else {
                    if let policy { _ = try ctx.configuration.select([policy]) }
                    records = try ctx.catalog.backups(policy: policy, includeRemoved: all)
                }
                let domains = Dictionary(
                    ctx.configuration.policies.map { p in
                        (
                            p.name,
                            Dictionary(p.destinations.compactMap { d in d.failureDomain.map { (d.name, $0) } }) {
                                a, _ in a
                            }
                        )
                    }, uniquingKeysWith: { a, _ in a })
                print(json ? try BackupListing.json(records, domains: domains) : BackupListing.table(records))
            }
        }
    }
}
