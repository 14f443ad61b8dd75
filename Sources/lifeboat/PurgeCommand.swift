import ArgumentParser
import LifeboatAgent
import LifeboatCLI

extension Lifeboat {
    /// `lifeboat purge --destination NAME`: what prune could not delete at a `delete: false` destination.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge",
            abstract: "Delete, at one destination, the backups retention has purged (for delete: false).",
            discussion: """
                A destination with `delete: false` is never deleted at by the backup host: prune only marks \
                backups purged in the catalog. Run purge with a configuration whose credentials for that \
                destination may delete (and the same catalog): it removes the objects of every backup the \
                catalog calls purged that are still there, every version on a versioned bucket, and puts off \
                (`waits: locked until ...`) those whose Object Lock has not run out. Prints one line per \
                backup. Exit 0, 1 when a removal failed, 64 when no policy names the destination.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("destination"), help: "The destination's name in the policies.")
        var destination: String

        func run() async throws {
            try await Failure.guarded {
                let ctx = try global.context()
                let reports = try await PurgeUseCase(ctx).run(destination: destination)
                for r in reports {
                    for line in r.lines { print(line) }
                    for e in r.errors { print("error: \(e)") }
                }
                if reports.contains(where: { !$0.errors.isEmpty }) { throw ExitCode(ExitCodeTable.failure) }
            }
        }
    }
}
