import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCore

extension Lifeboat {
    /// `lifeboat check [POLICY...] [--json]`: RPO compliance, as a Nagios/Icinga plugin.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "RPO compliance for Nagios and Icinga: one line with perfdata, or JSON.",
            discussion: """
                CRITICAL when the newest backup that reached every destination is older than the rpo, or \
                there is none; WARNING past 80% of the rpo, when the newest backup is degraded or failed, or \
                when the spool or its disk is 90% full, or when no policy is configured; UNKNOWN when the config or the catalog cannot be read \
                or a policy named is not configured.

                EXIT STATUS
                  0   OK
                  1   WARNING
                  2   CRITICAL
                  3   UNKNOWN
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Policy names (all when none).") var policies: [String] = []
        @Flag(help: "Print JSON: an array with policy, rpo_seconds, age_seconds, status, newest_backup, message.")
        var json = false

        func run() async throws {
            let results: [Compliance.Result]
            let policiesDirectory: String
            do {
                let ctx = try global.context()
                policiesDirectory = ctx.agent.policiesDirectory
                let selected = try ctx.configuration.select(policies)
                results = await WALCheck(ctx).applied(
                    to: try CheckUseCase(ctx).run(policies: selected), policies: selected)
                MetricsTextfile.refresh(ctx)
                try? ctx.catalog.countRun(
                    command: "check", outcome: Compliance.overall(results).name, at: ctx.now())
            } catch {
                let message = (error as? LifeboatError)?.message ?? String(describing: error)
                print(CheckOutput.unknown(message, policies: policies, json: json))
                throw ExitCode(ExitCodeTable.code(for: Compliance.Status.unknown))
            }
            if results.isEmpty, policies.isEmpty {
                print(CheckOutput.noPolicies(directory: policiesDirectory, json: json))
                throw ExitCode(ExitCodeTable.code(for: Compliance.Status.warning))
            }
            print(json ? try CheckOutput.json(results) : CheckOutput.line(results))
            throw ExitCode(ExitCodeTable.code(for: Compliance.overall(results)))
        }
    }
}
