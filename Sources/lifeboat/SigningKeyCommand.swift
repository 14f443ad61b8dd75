import ArgumentParser
import LifeboatAgent
import LifeboatCLI

extension Lifeboat {
    /// `lifeboat signing-key`: this host's signing key, by fingerprint and public half, for readers to trust.
    struct SigningKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "signing-key",
            abstract: "Print this host's signing key: its fingerprint and armored public half (made if missing).",
            discussion: """
                Every backup's manifest is signed with this key (signing_key in the config; by default \
                signing-key.asc beside the catalog, mode 0600). Keep the public half OFF the host, beside the \
                secret decryption key, and name it in trusted_signers (or --signer) wherever backups are read.
                """)

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print one JSON object: fingerprint, public_key.") var json = false

        func run() async throws {
            try await Failure.guarded(json: json) {
                let ctx = try global.context()
                let key = try ctx.signingKey()
                if json {
                    return print(
                        try JSONText.encode(
                            KeyJSON.signingKey(fingerprint: key.fingerprint, publicArmored: key.publicArmored)))
                }
                print("fingerprint: \(key.fingerprint)")
                print(key.publicArmored, terminator: "")
            }
        }
    }
}
