import ArgumentParser
import LifeboatAgent
import LifeboatCLI

extension Lifeboat {
    /// `lifeboat prune [POLICY...] [--dry-run]`: retention with lazy deletion.
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Apply retention: deleted -> soft-deleted -> purged, lazily.",
            discussion: """
                Keeps keep_last backups and the newest backup of each of the newest keep_daily days, \
                keep_weekly ISO weeks and keep_monthly months (UTC); the newest complete backup and \
                undeleted (pinned) backups are always kept. The rest become deleted (hidden from list, \
                restorable by --backup ID), after deleted_grace soft-deleted (restorable with \
                --include-soft-deleted), after soft_deleted_grace purged from every destination, the \
                manifest first. Failed backups older than deleted_grace lose their spool and partial \
                objects and stay in the catalog as purged. Nothing is pruned while a policy is out of its rpo.
                Prints one line per action; --json an array, one object per policy: policy, dry_run, busy, \
                refused, actions (action, id, reason), errors. Exit 0, or 1 when an action failed.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Policy names (all when none).") var policies: [String] = []
        @Flag(name: .customLong("dry-run"), help: "Show what would be done and change nothing.") var dryRun = false
        @Flag(help: "Print a JSON array, one object per policy.") var json = false

        func run() async throws {
            try await Failure.guarded(json: json) {
                let ctx = try global.context()
                let selected = try ctx.configuration.select(policies)
                let reports = await PruneUseCase(ctx, dryRun: dryRun).run(policies: selected)
                if json {
                    print(try JSONText.encode(reports.map { PruneJSON($0, dryRun: dryRun) }))
                } else {
                    for r in reports {
                        for line in r.lines(dryRun: dryRun) { print(line) }
                    }
                }
                let failed = reports.contains { !$0.errors.isEmpty }
                if !dryRun {
                    try? ctx.catalog.countRun(command: "prune", outcome: failed ? "failed" : "ok", at: ctx.now())
                }
                if failed { throw ExitCode(ExitCodeTable.failure) }
            }
        }
    }
}
