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
            WalPush.self,
            WalFetch.self,
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
        let arguments = GlobalOptionsFirst.reordered(Array(CommandLine.arguments.dropFirst()), root: Lifeboat.self)
        guard arguments.contains("--json") else { return await main(arguments) }
        await mainSpeakingJSON(arguments)
    }

    /// As `main`, but a command line the parser refuses (exit 64) also prints a JSON object with
    /// `error` on standard output, as every other failure in `--json` mode does.
    static func mainSpeakingJSON(_ arguments: [String]) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            // Commands print their own JSON before throwing an ExitCode; help and --version are not failures.
            if !(error is ExitCode), code != .success {
                print(JSONFailure(error: message(for: error), hint: nil, exitCode: code.rawValue).text())
            }
            exit(withError: error)
        }
    }
}
