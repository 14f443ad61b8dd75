import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCore

extension Lifeboat {
    /// `lifeboat run`: the timer's entry point.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Ship what the spool holds, back up the policies that are due, prune (for a timer).",
            discussion: """
                A policy is due when its last backup started longer ago than its schedule (default: half \
                its rpo). Due policies run highest priority and most overdue first, each under its own lock \
                file in <spool>/.locks, so overlapping runs never back the same policy up twice. Prints one \
                line per backup and prune action; prints nothing when nothing was due (--json: one object with \
                outcome, failed, backups and prune, also when idle). Exit 0 when all went well, 1 when a backup, \
                a shipping retry or a prune failed.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(
            name: .customLong("random-delay"),
            help: "Wait a random time up to this long first (like 10m), to spread a fleet.")
        var randomDelay: String?
        @Flag(help: "Print one JSON object: outcome, failed, backups, prune.") var json = false

        /// A timer fires every few minutes: a longer spread is a typo (and a sleep that long overflows).
        static let longestDelay = DurationValue(seconds: 86_400)

        func validate() throws {
            guard let randomDelay else { return }
            guard let d = DurationValue(parsing: randomDelay) else {
                throw ValidationError(
                    "--random-delay '\(randomDelay)' is not a duration like 45s, 10m, 1h (at most 1d)")
            }
            guard d <= Self.longestDelay else {
                throw ValidationError(
                    "--random-delay '\(randomDelay)' is out of range (from 0s to \(Self.longestDelay))")
            }
        }

        func run() async throws {
            StopSignals.install()
            try await Failure.guarded(json: json) {
                if let text = randomDelay, let d = DurationValue(parsing: text), d.seconds > 0 {
                    let wait = Double.random(in: 0...Double(d.seconds))
                    try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000))
                }
                let ctx = try global.context { configuration in
                    try BackupUseCase.checkDestinations(configuration.policies)
                }
                if ctx.configuration.policies.isEmpty {
                    ctx.logger.warning("no policy files (*.yaml) in \(ctx.agent.policiesDirectory): nothing to back up")
                }
                let useCase = RunUseCase(ctx)
                await useCase.heartbeatStart()
                let report: RunUseCase.Report
                let display = global.progress(ctx.progress)
                defer { display?.stop() }
                do {
                    report = try await useCase.run()
                    display?.stop()
                } catch {
                    display?.stop()
                    await useCase.heartbeat(RunUseCase.Report(failed: true))
                    throw error
                }
                if json {
                    print(
                        try JSONText.encode(
                            RunJSON(report) { o in o.id.flatMap { try? ctx.catalog.backup(id: $0) } }))
                } else {
                    for line in report.lines { print(line) }
                }
                await useCase.heartbeat(report)
                if report.failed { throw ExitCode(ExitCodeTable.failure) }
            }
        }
    }
}
