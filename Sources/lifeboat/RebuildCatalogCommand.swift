import ArgumentParser
import LifeboatAgent
import LifeboatCLI

extension Lifeboat {
    /// `lifeboat rebuild-catalog [POLICY...] [--host NAME]`: recover the catalog from the manifests at the destinations.
    struct RebuildCatalog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild-catalog",
            abstract: "Record in the catalog every backup whose manifest is found at the policies' destinations.",
            discussion: """
                For a new host after a disaster: with the old host's policies and an empty catalog, this finds \
                every backup the destinations hold so `lifeboat restore` can bring them back. Use --host to read \
                another host's backups. Exit 0 when every destination was read, 1 otherwise.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Policy names (all when none).") var policies: [String] = []
        @Option(help: "The host whose backups to record (default: this host's name from the config).") var host: String?
        @Option(help: "A public key trusted to sign backups, besides trusted_signers and this host's key (repeatable).")
        var signer: [String] = []
        @Flag(help: "Print a JSON array, one object per policy: policy, added, copies, binlogs, problems, other_hosts.")
        var json = false

        func run() async throws {
            try await Failure.guarded(json: json) {
                let ctx = try global.context()
                let outcomes = try await CatalogRebuild(ctx).run(
                    policies: try ctx.configuration.select(policies), host: host, signerFiles: signer)
                if json { print(try JSONText.encode(outcomes.map(RebuildCatalogJSON.init))) }
                for o in outcomes where !json {
                    let logs = o.binlogs > 0 ? ", \(Counted.text(o.binlogs, "archived binary log")) recorded" : ""
                    print(
                        "\(o.policy): \(Counted.text(o.added, "backup")) added, \(Counted.text(o.copies, "more copy", "more copies")) recorded\(logs)"
                    )
                    for p in o.problems { print("  problem: \(p)") }
                    if !o.otherHosts.isEmpty {
                        print(
                            "  nothing of host \(host ?? ctx.agent.host) here; the destinations hold this policy for \(o.otherHosts.count == 1 ? "host" : "hosts") \(o.otherHosts.joined(separator: ", ")): name one with --host NAME"
                        )
                    }
                }
                if outcomes.contains(where: { !$0.problems.isEmpty }) { throw ExitCode(ExitCodeTable.failure) }
            }
        }
    }
}
