import ArgumentParser
import LifeboatAgent
import LifeboatCLI

extension Lifeboat {
    /// `lifeboat config check`: the configuration checked as a compiler would, every problem at once.
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config", abstract: "Check the configuration.", subcommands: [Check.self])

        /// `lifeboat config check [--json] [--connect]`.
        struct Check: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "check",
                abstract: "Load the config and every policy as run would; print every problem with its file and line.",
                discussion: """
                    Also loads every recipient key, the signing key, trusted signers and credentials files (on a \
                    recovery host: identities and signers). --connect also asks each destination (and a recovery \
                    host's scratch folder). Exit 0 when nothing is wrong, 65 when anything is.
                    """)

            @OptionGroup var global: GlobalOptions
            @Flag(name: .long, help: "Print one JSON object.") var json = false
            @Flag(name: .long, help: "Also reach each destination.") var connect = false

            func run() async throws {
                LoggingSetup.bootstrap(verbose: global.verbose, format: global.logFormat)
                let file = global.configPath
                let report = await ConfigCheckUseCase(file: file, connect: connect).run()
                do {
                    print(
                        json
                            ? try ConfigCheckOutput.json(report, file: file)
                            : ConfigCheckOutput.text(report, file: file))
                } catch {
                    throw Failure.exit(error, json: json)
                }
                if !report.problems.isEmpty { throw ExitCode(ExitCodeTable.badInput) }
            }
        }
    }
}
