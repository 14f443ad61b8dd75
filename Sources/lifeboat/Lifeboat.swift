import ArgumentParser
import LifeboatCLI
import LifeboatCore

/// The `lifeboat` command: one subcommand per file in this folder.
@main
struct Lifeboat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifeboat",
        abstract: "Back up databases and configuration off the host, encrypted to public keys only.",
        discussion: ExitCodeTable.helpText,
        version: LifeboatVersion.current,
        subcommands: [
            Backup.self,
            Run.self,
            Check.self,
            Config.self,
            Prune.self,
            Purge.self,
            Undelete.self,
            Forget.self,
            List.self,
            Ls.self,
            Restore.self,
            Verify.self,
            Copy.self,
            RebuildCatalog.self,
            Keygen.self,
            SigningKey.self,
            Fleet.self,
            Drill.self,
            Plan.self,
            PGP.self,
            Version.self,
        ]
    )

    /// Ignores SIGPIPE and disables core dumps before any command parses its arguments or reads a key.
    static func main() async {
        ProcessHardening.atStart()
        await main(GlobalOptionsFirst.reordered(Array(CommandLine.arguments.dropFirst()), root: Lifeboat.self))
    }
}
