import ArgumentParser
import Foundation
import LifeboatCrypto

extension Lifeboat.PGP {
    /// `lifeboat pgp sign --key FILE DATA`: a detached signature as the host makes `manifest.json.sig`;
    /// `--repeat N` signs N times and reports the cost of one signature (for the backup benchmark).
    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign", abstract: "Make a detached signature with a signing key.")
        @Option(name: .long, help: "The signing key file (as signing_key).") var key: String
        @Option(name: .long, help: "Sign this many times and report the time per signature on standard error.")
        var `repeat` = 1
        @Argument(help: "The file to sign.") var file: String

        func run() async throws {
            try CryptoCommand.guarded {
                guard `repeat` >= 1, `repeat` <= 1_000_000 else {
                    throw CryptoCommand.usage("--repeat takes 1 to 1000000")
                }
                let clock = ContinuousClock()
                let loadStart = clock.now
                let signingKey = try OpenPGPSigningKey.load(contentsOf: key)
                let loaded = clock.now - loadStart
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CryptoError(.io, "\(file): cannot be read")
                }
                var signature: [UInt8] = []
                let signStart = clock.now
                for _ in 0..<`repeat` { signature = try signingKey.sign([UInt8](data)) }
                let each = (clock.now - signStart) / `repeat`
                FileHandle.standardOutput.write(Data(signature))
                if `repeat` > 1 {
                    func micro(_ d: Duration) -> Int64 {
                        d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000
                    }
                    FileHandle.standardError.write(
                        Data("key_load_us=\(micro(loaded)) sign_us=\(micro(each)) bytes=\(data.count)\n".utf8))
                }
            }
        }
    }

    /// `lifeboat pgp verify --signer FILE SIG DATA`: checks a detached signature as readers check manifests.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Check a detached signature against trusted signers.")
        @Option(name: .long, help: "A trusted signer's public key (repeat for more).") var signer: [String] = []
        @Argument(help: "The signature file.") var signature: String
        @Argument(help: "The signed file.") var file: String

        func run() async throws {
            try CryptoCommand.guarded {
                let keys = try signer.map { try OpenPGPVerifyingKey.load(contentsOf: $0) }
                guard let sig = FileManager.default.contents(atPath: signature),
                    let data = FileManager.default.contents(atPath: file)
                else {
                    throw CryptoError(.io, "cannot read \(signature) or \(file)")
                }
                let verified = try DetachedSignature.verify(signature: [UInt8](sig), data: [UInt8](data), trusted: keys)
                print("good signature by \(verified.signer)")
            }
        }
    }
}
