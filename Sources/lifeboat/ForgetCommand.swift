import ArgumentParser
import LifeboatAgent
import LifeboatCLI

extension Lifeboat {
    /// `lifeboat forget ID [--dry-run]`: stop shipping a backup that can never finish, and mark it failed.
    struct Forget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forget",
            abstract: "Stop shipping a backup that cannot finish (a lost destination or spool) and mark it failed.",
            discussion: """
                run then stops retrying it and stops exiting 1 for it; its spool is removed at once, and \
                prune removes what reached a destination after deleted_grace, as for any failed backup.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The backup id.") var id: RequestedBackup
        @Flag(name: .long, help: "Say what would be done; change nothing.") var dryRun = false
        @Flag(help: "Print one JSON object: id, action, dry_run, was, now, policy, missing.") var json = false

        func run() async throws {
            try await Failure.guarded(json: json) {
                let ctx = try global.context()
                let o = try ForgetUseCase(ctx).run(id: id, dryRun: dryRun)
                if json { return print(try JSONText.encode(CatalogChangeJSON.forget(o))) }
                let lacking = o.missing.isEmpty ? "" : "; not at \(o.missing.joined(separator: ", "))"
                print(
                    o.dryRun
                        ? "would forget \(o.id) of \(o.policy) (\(o.was.rawValue)\(lacking))"
                        : "forgot \(o.id) of \(o.policy) (was \(o.was.rawValue)\(lacking)): now failed, its spool removed"
                )
            }
        }
    }
}
