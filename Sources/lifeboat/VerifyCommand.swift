import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatCLI

extension Lifeboat {
    /// `lifeboat verify [POLICY] [--backup ID]`: every chunk present and its sha256 right at every destination.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check that every destination holds every chunk of a backup, with the right size and sha256.",
            discussion: """
                Reads each chunk back from each destination of the policy (streaming, nothing is written) and \
                prints one line per destination. Without --backup, checks the newest shipped backup of the policy \
                (of every policy when none is named: a policy with no shipped backup yet is named and passed over). \
                --json prints an array, one object per destination: policy, id, destination, ok, chunks_checked, \
                bytes_checked, problems. Exit 0 when every destination is good, 1 otherwise; 64 for an unknown id \
                or one of another policy.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only this policy.") var policy: String?
        @Option(help: "The backup to verify.") var backup: RequestedBackup?
        @Option(help: "A public key trusted to sign backups, besides trusted_signers and this host's key (repeatable).")
        var signer: [String] = []
        @Flag(help: "Print a JSON array, one object per destination.") var json = false

        func run() async throws {
            try await Failure.guarded(json: json) {
                let ctx = try global.context()
                let policies = try ctx.configuration.select(policy.map { [$0] } ?? [])
                let useCase = VerifyUseCase(ctx)
                let display = global.progress(ctx.progress)
                defer { display?.stop() }
                let reports: [VerifyUseCase.Report]
                var notYet: [String] = []
                if policy == nil {
                    // Every policy: the ones with no shipped backup yet are named, the rest still verified.
                    let each = try await useCase.verifyEach(policies: policies, id: backup, signerFiles: signer)
                    notYet = each.notYet
                    reports = each.reports
                } else {
                    reports = try await useCase.verify(policies: policies, id: backup, signerFiles: signer)
                }
                display?.stop()
                if json {
                    let waiting = notYet.map { line in
                        VerifyJSON.notYet(
                            policy: String(line.prefix { $0 != ":" }),
                            message: String(line.drop { $0 != ":" }.dropFirst(2)))
                    }
                    print(try JSONText.encode(waiting + VerifyJSON.items(reports)))
                    if !reports.allSatisfy(\.ok) { throw ExitCode(ExitCodeTable.failure) }
                    return
                }
                for line in notYet { print(line) }
                for r in reports {
                    for d in r.destinations {
                        let what = "\(r.policy) \(r.id) \(d.destination):"
                        if d.ok {
                            print(
                                "\(what) ok (\(Counted.text(d.chunksChecked, "chunk")), \(Counted.text(Int(d.bytesChecked), "byte")))"
                            )
                        } else {
                            print("\(what) FAILED: \(d.problems.joined(separator: "; "))")
                        }
                    }
                }
                if !reports.allSatisfy(\.ok) { throw ExitCode(ExitCodeTable.failure) }
            }
        }
    }
}
