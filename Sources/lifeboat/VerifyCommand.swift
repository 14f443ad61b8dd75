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
                Exit 0 when every destination is good, 1 otherwise; 64 for an unknown id or one of another policy.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only this policy.") var policy: String?
        @Option(help: "The backup to verify.") var backup: RequestedBackup?
        @Option(help: "A public key trusted to sign backups, besides trusted_signers and this host's key (repeatable).")
        var signer: [String] = []

        func run() async throws {
            try await Failure.guarded {
                let ctx = try global.context()
                let policies = try ctx.configuration.select(policy.map { [$0] } ?? [])
                let useCase = VerifyUseCase(ctx)
                let reports: [VerifyUseCase.Report]
                if policy == nil {
                    // Every policy: the ones with no shipped backup yet are named, the rest still verified.
                    let each = try await useCase.verifyEach(policies: policies, id: backup, signerFiles: signer)
                    for line in each.notYet { print(line) }
                    reports = each.reports
                } else {
                    reports = try await useCase.verify(policies: policies, id: backup, signerFiles: signer)
                }
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
