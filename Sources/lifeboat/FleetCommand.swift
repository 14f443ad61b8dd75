import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCore

extension Lifeboat {
    /// `lifeboat fleet [--json]`: on the recovery host, every host and policy at the destinations, judged
    /// from their signed `latest.json` and the recovery host's drills, as a Nagios plugin.
    struct Fleet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fleet",
            abstract: "On the recovery host: every host and policy's RPO and last drill, from the destinations.",
            discussion: """
                Lists the hosts and policies at every destination of the recovery config, reads each \
                policy's latest.json and checks its signature against trusted_signers. CRITICAL when a \
                policy has no trusted latest.json or its newest backup is older than its rpo (for a policy \
                that archives WAL or binary logs: the newest backup or the newest archived file verified at \
                every destination, whichever is younger), when the archive misses a file since the newest \
                base backup or dump (named), or when a destination has no archived file that verifies; WARNING past \
                80% of the rpo, when a destination holding the policy has no good latest.json naming the \
                newest backup, when the last drill failed or took longer than the rto, when there was no \
                drill within twice the drill interval or never one, when a folder name was skipped or a \
                destination could not be listed, or when nothing was found; \
                UNKNOWN when no destination can be read. Writes metrics_textfile when the config names one.

                EXIT STATUS
                  0   OK
                  1   WARNING
                  2   CRITICAL
                  3   UNKNOWN
                  64  the config is a backup host's, not the recovery host's
                  65  the recovery config or a key it names is malformed
                """)

        @OptionGroup var global: GlobalOptions
        @Flag(
            help:
                "Print JSON: an array with host, policy, kind, status, id, started, finished, age_seconds, rpo_seconds, rto_seconds, drill_interval_seconds, priority, scenario, signer, destinations, problems, drill, reasons, backup_age_seconds, archive."
        )
        var json = false

        func run() async throws {
            let ctx: RecoveryContext
            do {
                ctx = try global.recoveryContext(command: "fleet")
            } catch {
                throw Failure.exit(error, json: json)
            }
            let report: FleetScan.Report
            do {
                report = try await FleetScan(ctx).report()
            } catch {
                let message = (error as? LifeboatError)?.message ?? String(describing: error)
                print(FleetOutput.unknown(message, json: json))
                throw ExitCode(ExitCodeTable.code(for: Compliance.Status.unknown))
            }
            let verdicts = FleetJudgement.judge(report.entries, now: ctx.now())
            FleetMetrics.refresh(ctx, verdicts)
            print(json ? try FleetOutput.json(verdicts) : FleetOutput.text(verdicts, notes: report.notes))
            throw ExitCode(ExitCodeTable.code(for: FleetJudgement.overall(verdicts, notes: report.notes)))
        }
    }
}
