import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCore

extension Lifeboat {
    /// `lifeboat drill [HOST/POLICY...] [--due] [--json]`: restore drills on the recovery host.
    struct Drill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drill",
            abstract:
                "Restore the newest backup of each policy into the scratch area, prove it, time it against its RTO.",
            discussion: """
                Runs on the recovery host (its config says role: recovery). Each drill starts from the policy's \
                signed latest.json at the destinations, then its signed manifest, then the chunks; it restores \
                the way a recovery would, checks the payload's sha256 and size against the manifest, then proves \
                the result by kind (files: extracted and counted; sqlite: integrity_check; postgres: pg_restore into \
                a fresh scratch database, every table counted; mariadb: loaded into a fresh scratch database, \
                CHECKSUM TABLE on every table and every row counted; command: the digest alone). The whole restore \
                is timed and compared with the policy's RTO. Every drill is recorded in the recovery catalog; its \
                folder in the scratch folder and the scratch database it made (lifeboat_drill_<random>) are removed \
                on every path, and those of a killed drill by the next drill.

                One line per drill: "PASS HOST/POLICY backup ID: SIZE in SECONDS s (RTO 1h) — what was proven", \
                "SLOW ..., over its RTO 1h — ..." when it took longer than the RTO, "FAIL HOST/POLICY: reason".

                With no names, every policy found at the destinations; --due takes only those never drilled or \
                whose last drill is older than their drill interval (policy key drill:, 30d by default). \
                --backup ID drills that backup of the one HOST/POLICY named, starting from its signed manifest.

                --json prints an array of objects: host, policy, backup, result (passed | slow | failed), \
                seconds, bytes, rto_seconds, met_rto, started, finished, detail, digest, error.

                EXIT STATUS
                  0   every drill passed within its RTO (or nothing was due)
                  1   a drill failed or was slower than its RTO
                  64  usage error (also: a backup host's config)
                  65  bad input (the config, an identity or passphrase file, the scratch folder, a scratch server \
                      value with a password in it)
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Policies to drill, as HOST/POLICY (all found at the destinations when none).")
        var policies: [String] = []
        @Flag(help: "Drill only the policies whose drill is due.") var due = false
        @Option(help: "Drill this backup id of the one HOST/POLICY named, instead of the newest.")
        var backup: String?
        @Flag(help: "Print a JSON array (fields listed above).") var json = false

        func validate() throws {
            guard let backup else { return }
            guard policies.count == 1, !due else {
                throw ValidationError("--backup ID drills one backup: name exactly one HOST/POLICY, without --due")
            }
            guard BackupID(backup) != nil else { throw ValidationError("--backup \(backup): not a backup id") }
        }

        func run() async throws {
            StopSignals.install()
            var outcomes: [DrillOutcome] = []
            try await Failure.guarded(json: json) {
                let named = try policies.map(DrillSelection.parse)
                let ctx = try global.recoveryContext(command: "drill")
                _ = try ctx.identities()
                let swept = try DrillScratch.prepare(ctx.config.scratch, servers: ctx.config.scratchDatabases)
                for path in swept.folders { ctx.logger.warning("removed a killed drill's scratch folder \(path)") }
                for name in swept.databases { ctx.logger.warning("dropped a killed drill's scratch database \(name)") }
                for problem in swept.problems { ctx.logger.warning("\(problem)") }
                let targets = try await DrillTargets.select(ctx, named: named, dueOnly: due)
                let display = global.progress(ctx.progress)
                defer { display?.stop() }
                for t in targets {
                    let outcome = try await DrillUseCase(ctx).run(
                        host: t.host, policy: t.policy, backup: backup.flatMap(BackupID.init))
                    ctx.progress.finish()
                    display?.clear()
                    if !json { print(DrillOutput.line(outcome)) }
                    outcomes.append(outcome)
                }
                if json { print(try DrillOutput.json(outcomes)) }
            }
            let code = DrillVerdict.exitCode(outcomes.map(\.verdict))
            if code != 0 { throw ExitCode(code) }
        }
    }
}
