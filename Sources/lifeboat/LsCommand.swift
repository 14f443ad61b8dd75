import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCore

extension Lifeboat {
    /// `lifeboat ls POLICY [--backup ID] [PATH...] [--json]`: what a files backup holds, without restoring it.
    struct Ls: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls",
            abstract: "List the entries of a files backup (the newest, or --backup ID) without restoring it.",
            discussion: """
                The archive is encrypted: listing reads it through the same checks as a restore and needs the \
                secret key (--identity). PATH limits the listing to those paths, what lies under them, and \
                names matching them as shell globs. One line per entry: type, mode, uid:gid, size, mtime (UTC), \
                path (-> link target); --json prints an array of objects.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The policy.") var policy: String
        @Argument(help: "Only these paths (and what lies under them), or shell globs.") var paths: [String] = []
        @Option(help: "The secret key (OpenPGP, armored or binary); keep it off the host.") var identity: String
        @Option(help: "A file whose first line is the secret key's passphrase.") var passphraseFile: String?
        @Option(help: "The backup id to list.") var backup: RequestedBackup?
        @Option(help: "A public key trusted to sign backups, besides trusted_signers and this host's key (repeatable).")
        var signer: [String] = []
        @Flag(help: "Print a JSON array of entries.") var json = false

        func run() async throws {
            try await Failure.guarded(json: json) {
                let ctx = try global.context()
                guard let p = try ctx.configuration.select([policy]).first else { return }
                let key = try IdentityLoader.load(path: identity, passphraseFile: passphraseFile)
                let request = RestoreUseCase.Request(
                    policy: p, target: "", identity: key, backupID: backup, includeSoftDeleted: true,
                    signerFiles: signer)
                let out = EntryListingOutput(json: json)
                let listed = try await ListEntriesUseCase(ctx).run(request, paths: paths) { out.print($0) }
                out.end()
                if !json {
                    FileHandle.standardError.write(
                        Data("backup \(listed.id): \(Counted.text(listed.entries, "entry", "entries"))\n".utf8))
                }
            }
        }
    }
}
