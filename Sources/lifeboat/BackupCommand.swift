import ArgumentParser
import LifeboatAgent
import LifeboatCLI
import LifeboatCatalog
import LifeboatCore

extension Lifeboat {
    /// `lifeboat backup [POLICY...]`: back up now and print one line per backup.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Back up the named policies (all when none are named) now.",
            discussion: """
                Prints one line per backup: policy, id, status; --json prints an array, one object per backup \
                (the fields of list --json, plus message). Exit 0 when all are complete, 1 otherwise.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Policy names.") var policies: [String] = []
        @Flag(help: "Print a JSON array, one object per backup.") var json = false

        func run() async throws {
            StopSignals.install()
            try await Failure.guarded(json: json) {
                let ctx = try global.context { configuration in
                    try BackupUseCase.checkRecipients(try configuration.select(policies))
                    try BackupUseCase.checkDestinations(try configuration.select(policies))
                    try BackupUseCase.checkSigningKey(configuration.agent)
                }
                let selected = try ctx.configuration.select(policies)
                if selected.isEmpty {
                    ctx.logger.warning("no policy files (*.yaml) in \(ctx.agent.policiesDirectory): nothing to back up")
                }
                let display = global.progress(ctx.progress)
                defer { display?.stop() }
                // The host's heartbeat (heartbeat_url) hears of a manual backup as of a timer run.
                let host = RunUseCase(ctx)
                await host.heartbeatStart()
                let outcomes: [BackupUseCase.Outcome]
                do {
                    outcomes = try await BackupUseCase(ctx).run(policies: selected)
                } catch {
                    display?.stop()
                    await host.heartbeat(RunUseCase.Report(failed: true, lines: ["backup: \(error)"]))
                    throw error
                }
                display?.stop()
                await host.heartbeat(
                    RunUseCase.Report(
                        failed: outcomes.contains { $0.status != .complete },
                        lines: outcomes.map { o in
                            "\(o.policy) \(o.id?.rawValue ?? "-") \(o.status)" + (o.message.map { ": \($0)" } ?? "")
                        }))
                if json {
                    print(
                        try JSONText.encode(
                            outcomes.map { o in
                                BackupOutcomeJSON(o, record: o.id.flatMap { try? ctx.catalog.backup(id: $0) })
                            }))
                } else {
                    for o in outcomes {
                        var line = "\(o.policy) \(o.id?.rawValue ?? "-") \(o.status)"
                        if let m = o.message { line += ": \(m)" }
                        print(line)
                    }
                }
                let failed = outcomes.contains(where: { $0.status != .complete })
                try? ctx.catalog.countRun(command: "backup", outcome: failed ? "failed" : "ok", at: ctx.now())
                MetricsTextfile.refresh(ctx)
                if failed { throw ExitCode(ExitCodeTable.failure) }
            }
        }
    }
}
