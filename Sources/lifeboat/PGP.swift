import ArgumentParser
import Foundation
import LifeboatCLI
import LifeboatCore
import LifeboatCrypto
import LifeboatPipeline

extension Lifeboat {
    /// Low-level OpenPGP tools: scripts and benchmarks use them to encrypt and decrypt streams the way backups do.
    struct PGP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pgp", abstract: "OpenPGP tools (encrypt, decrypt, show keys)", shouldDisplay: false,
            subcommands: [Encrypt.self, Decrypt.self, Show.self, Sign.self, Verify.self])
    }
}

extension Lifeboat.PGP {
    /// `lifeboat pgp encrypt --recipient FILE...`: stdin (or --in) to an OpenPGP message on stdout (or --out).
    struct Encrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encrypt", abstract: "Encrypt to public keys (binary OpenPGP).")
        @Option(name: .long, help: "A recipient's public key file (repeat for more).") var recipient: [String] = []
        @Option(name: .customLong("in"), help: "Input file (default: standard input).") var input: String?
        @Option(name: .customLong("out"), help: "Output file (default: standard output).") var output: String?

        func run() async throws {
            try CryptoCommand.guarded {
                guard !recipient.isEmpty else { throw CryptoCommand.usage("give at least one --recipient") }
                let keys = try recipient.map { try OpenPGPPublicKey.load(contentsOf: $0) }
                try CryptoCommand.pipe(input: input, output: output) { sink in
                    try OpenPGPEncryptor(recipients: keys, output: sink)
                }
            }
        }
    }

    /// `lifeboat pgp decrypt --identity FILE`: an OpenPGP message to plaintext; --out appears only when the MDC checks out.
    struct Decrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decrypt", abstract: "Decrypt with a secret key (binary or armored input).")
        @Option(name: .long, help: "The secret key file (repeat for more).") var identity: [String] = []
        @Option(name: .long, help: "A file whose first line is the passphrase.") var passphraseFile: String?
        @Option(name: .customLong("in"), help: "Input file (default: standard input).") var input: String?
        @Option(name: .customLong("out"), help: "Output file (default: standard output).") var output: String?

        func run() async throws {
            try CryptoCommand.guarded {
                guard !identity.isEmpty else { throw CryptoCommand.usage("give --identity") }
                let passphrase = try passphraseFile.map { try CryptoCommand.readPassphrase($0) }
                let keys = try identity.map { try OpenPGPSecretKey.load(contentsOf: $0, passphrase: passphrase) }
                try CryptoCommand.pipe(input: input, output: output) { sink in
                    OpenPGPDecryptor(keys: keys, output: sink)
                }
            }
        }
    }

    /// `lifeboat pgp show KEYFILE`: the fingerprints (and user ids) of a public or secret key.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a key's fingerprints.")
        @Argument(help: "A public key file.") var keyFile: String

        func run() async throws {
            try CryptoCommand.guarded {
                let key = try OpenPGPPublicKey.load(contentsOf: keyFile)
                print("fingerprint: \(key.fingerprint)")
                print("encryption subkey: \(key.encryptionKeyFingerprint)")
                for uid in key.userIDs { print("user id: \(uid)") }
            }
        }
    }
}

/// Plumbing shared by the crypto commands: file descriptors, the passphrase file, errors to exit codes.
enum CryptoCommand {
    /// The command line is wrong: exits as a usage error.
    static func usage(_ message: String) -> LifeboatError { LifeboatError(.usage, message) }

    static func guarded(json: Bool = false, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let e as ExitCode {
            throw e
        } catch {
            let text = (error as? CryptoError)?.message ?? "\(error)"
            FileHandle.standardError.write(Data("lifeboat: \(text)\n".utf8))
            let code = ExitCodeTable.code(for: error)
            if json { print(JSONFailure(error: text, hint: nil, exitCode: code).text()) }
            throw ExitCode(code)
        }
    }

    /// The first line of a file, without its newline.
    static func readPassphrase(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CryptoError(.io, "\(path): cannot read the passphrase file")
        }
        let text = String(decoding: data, as: UTF8.self)
        var line =
            text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    /// Streams `input` through the sink `make` builds on top of the output; a named output file is
    /// written under a temporary name and renamed only on success.
    static func pipe(input: String?, output: String?, make: (ByteSink) throws -> ByteSink) throws {
        let inFD: Int32 =
            try input.map { path in
                let fd = open(path, O_RDONLY)
                guard fd >= 0 else { throw CryptoError(.io, "\(path): \(String(cString: strerror(errno)))") }
                return fd
            } ?? 0
        defer { if inFD != 0 { close(inFD) } }
        var file: AtomicFile?
        if let output {
            let temporary = "\(output).partial-\(getpid())"
            do {
                file = try AtomicFile(path: output, temporaryPath: temporary)
            } catch {
                throw CryptoError(.io, "\(temporary): \(error.error.reason)")
            }
        }
        // The temporary file is removed on every way out but the rename (and stays open until then).
        defer { file?.abandon() }
        let sink = try make(FileDescriptorSink(fd: file?.descriptor ?? 1))
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { b in
                SystemCall.retryingInterrupts { read(inFD, b.baseAddress, b.count) }
            }
            if n < 0 {
                throw CryptoError(.io, "reading input: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            try buffer.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        try sink.finish()
        if let file {
            do {
                try file.rename()
            } catch {
                throw CryptoError(.io, "\(file.path): \(error.error.reason)")
            }
        }
    }
}
