import ArgumentParser
import Foundation
import LifeboatAgent
import LifeboatCLI
import LifeboatCore
import Logging

extension Lifeboat {
    /// `lifeboat wal-fetch [--policy NAME] NAME PATH`: PostgreSQL's `restore_command` (`%f %p`).
    struct WalFetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wal-fetch",
            abstract: "Fetch one archived WAL file (PostgreSQL's restore_command, %f %p).",
            discussion: """
                Reads the file from the policy's destinations in order, checks its signature (a trusted \
                signer over its name, host, policy, sha256 and size) before anything is written, then \
                decrypts it with --identity into PATH, atomically. --policy may be left out when exactly \
                one policy archives WAL.

                EXIT STATUS
                  0   PATH holds the file
                  1   the file is archived at no destination (every one answered): PostgreSQL's "not there"
                  126 a destination did not answer, or its copy did not verify, and no other had a good one: \
                above 125, so PostgreSQL stops recovery rather than ending it early
                  126 also when the config, the policy, a key or the identity cannot be read or is wrong: \
                recovery stops rather than ending without what the archive holds
                  64  NAME is not a WAL, history or backup file name
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "The policy whose WAL this is (only needed when several archive WAL).") var policy: String?
        @Option(help: "The secret key (OpenPGP, armored or binary).") var identity: String
        @Option(help: "A file whose first line is the secret key's passphrase.") var passphraseFile: String?
        @Option(help: "A public key trusted to sign, besides trusted_signers and this host's key (repeatable).")
        var signer: [String] = []
        @Argument(help: "The file PostgreSQL asks for (%f).") var name: String
        @Argument(help: "Where to write it (%p).") var path: String

        func run() async throws {
            // Only "archived nowhere" (1) may tell PostgreSQL that the archive ends here. Anything else,
            // a config or key it cannot read included, is 126: PostgreSQL stops recovery instead of
            // ending it and promoting without what the archive still holds.
            do { _ = try WALFetchUseCase.fileName(name) } catch { throw Failure.exit(error) }
            do {
                try await fetch()
            } catch let e as WALFetchUseCase.NotArchived {
                throw Failure.exit(LifeboatError.failed(e.description))
            } catch let e as ExitCode {
                throw e
            } catch {
                let text = (error as? LifeboatError)?.description ?? String(describing: error)
                FileHandle.standardError.write(
                    Data("lifeboat: wal-fetch \(TerminalText.printable(name)): \(text) (recovery stops here)\n".utf8))
                throw ExitCode(ExitCodeTable.abortRecovery)
            }
        }

        private func fetch() async throws {
            // The config alone, no catalog: PostgreSQL runs this as its own user, who may not write
            // the state folder.
            let configuration = try global.configurationOnly()
            let selected = try WALPolicySelection.select(policy, from: configuration.policies)
            let key = try IdentityLoader.load(path: identity, passphraseFile: passphraseFile)
            let signers = try TrustedSigners.load(agent: configuration.agent, now: Date(), extra: signer)
            do {
                try await WALFetchUseCase(
                    agent: configuration.agent, logger: Logger(label: "lifeboat"), policy: selected, keys: [key],
                    signers: signers
                ).fetch(name: name, to: path)
            } catch let e as WALFetchUseCase.Unreadable {
                FileHandle.standardError.write(Data("lifeboat: \(e.description)\n".utf8))
                throw ExitCode(ExitCodeTable.abortRecovery)
            }
        }
    }
}
