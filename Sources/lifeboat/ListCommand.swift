import ArgumentParser
import LifeboatAgent
import LifeboatCLI

extension Lifeboat {
    /// `lifeboat list [POLICY] [--json]`: the catalog's backups, newest first.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the catalog's backups, newest first.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only this policy.") var policy: String?
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Include deleted, soft-deleted and purged backups.") var all = false

        func run() async throws {
            try await Failure.guarded {
                let ctx = try global.context()
                if let policy { _ = try ctx.configuration.select([policy]) }
                let records = try ctx.catalog.backups(policy: policy, includeRemoved: all)
                print(json ? try BackupListing.json(records) : BackupListing.table(records))
            }
        }
    }
}
