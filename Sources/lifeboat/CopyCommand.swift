import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatCLI

extension Lifeboat {
    /// `lifeboat copy POLICY --from A --to B [--backup ID | --all]`: backups copied between destinations.
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy backups from one of a policy's destinations to another, without decrypting them.",
            discussion: """
                Reads each backup's signed manifest at --from (refused unless a trusted signer signed it), copies \
                every chunk, checking its size and sha256 against the manifest on the way, then the signature and \
                the manifest last. A chunk already at --to with the right size and sha256 is not sent again, so an \
                interrupted copy resumes. A damaged chunk at --from stops that backup's copy; nothing of it counts \
                as complete at --to. On a terminal, standard error shows a progress line (bytes read and written, \
                rate, chunks done at --to, time left); --no-progress silences it. Without --backup, copies the newest backup --from holds; --all copies every \
                backup retention keeps that --from holds, newest first. Prints one line per backup (--json: one \
                object per backup). Exit 0 when every copy is done, 1 when any failed, 64 for a usage error.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The policy whose backups to copy.") var policy: String
        @Option(help: "The destination to copy from (a name in the policy).") var from: String
        @Option(help: "The destination to copy to (a name in the policy).") var to: String
        @Option(help: "The backup to copy (default: the newest that --from holds).") var backup: RequestedBackup?
        @Flag(help: "Copy every backup retention keeps that --from holds, newest first.") var all = false
        @Flag(help: "Print one JSON object per backup, in an array.") var json = false
        @Option(help: "A public key trusted to sign backups, besides trusted_signers and this host's key (repeatable).")
        var signer: [String] = []

        func validate() throws {
            if all && backup != nil { throw ValidationError("--backup and --all cannot be given together") }
        }

        func run() async throws {
            try await Failure.guarded {
                let ctx = try global.context()
                guard let chosen = try ctx.configuration.select([policy]).first else { return }
                let selection: CopyUseCase.Selection = all ? .all : backup.map { .backup($0) } ?? .newest
                let display = global.progress(ctx.progress)
                defer { display?.stop() }
                let outcomes = try await CopyUseCase(ctx).copy(
                    policy: chosen, from: from, to: to, selection: selection, signerFiles: signer)
                display?.stop()
                if json {
                    print(try CopyOutput.json(outcomes))
                } else if outcomes.isEmpty {
                    print("\(chosen.name): \(from) holds no backup to copy")
                } else {
                    for o in outcomes { print(CopyOutput.line(o)) }
                }
                if outcomes.contains(where: { $0.result == .failed }) { throw ExitCode(ExitCodeTable.failure) }
            }
        }
    }
}
