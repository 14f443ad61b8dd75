import ArgumentParser
import Foundation
import LifeboatCLI
import LifeboatCrypto
import LifeboatPipeline

extension Lifeboat {
    /// `lifeboat keygen --out DIR`: makes a backup key pair; run it off the host and keep the secret half elsewhere.
    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Make an OpenPGP key pair (run it OFF the host).",
            discussion: """
                Writes DIR/NAME.pub.asc (give it to the host) and DIR/NAME.sec.asc (mode 0600: keep it off \
                the host, in two separate safe places), making DIR (mode 0700) when it is not there. Existing \
                files are never overwritten.
                """)

        @Option(name: .long, help: "Directory for the key files.") var out: String
        @Option(name: .long, help: "Key file name and user id.") var name = "lifeboat"
        @Option(name: .long, help: "An email address for the user id.") var email: String?
        @Option(name: .long, help: "A file whose first line protects the secret key.") var passphraseFile: String?
        @Flag(name: .long, help: "RSA-4096 instead of ed25519/cv25519.") var rsa = false
        @Flag(
            name: .long,
            help: "Print one JSON object: fingerprint, public_key_file, secret_key_file, passphrase_protected.")
        var json = false

        func run() async throws {
            try CryptoCommand.guarded(json: json) {
                guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
                    throw CryptoCommand.usage("--name must be a plain file name (no '/', not starting with '.')")
                }
                // A folder that is not there yet is made, private (0700): it is about to hold a secret key.
                var isFolder: ObjCBool = false
                if !FileManager.default.fileExists(atPath: out, isDirectory: &isFolder) {
                    do {
                        try FileManager.default.createDirectory(
                            atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    } catch {
                        throw CryptoError(.io, "\(out): cannot make the folder: \(error.localizedDescription)")
                    }
                } else if !isFolder.boolValue {
                    throw CryptoError(.io, "\(out): not a folder")
                }
                let publicPath = "\(out)/\(name).pub.asc"
                let secretPath = "\(out)/\(name).sec.asc"
                for path in [publicPath, secretPath] where FileManager.default.fileExists(atPath: path) {
                    throw CryptoError(.io, "\(path) already exists; refusing to overwrite it")
                }
                let passphrase = try passphraseFile.map { try CryptoCommand.readPassphrase($0) }
                let key = try OpenPGPKeygen.generate(
                    name: name, email: email, passphrase: passphrase,
                    algorithm: rsa ? .rsa4096 : .curve25519)
                try Self.create(secretPath, key.secretArmored, mode: 0o600)
                do {
                    try Self.create(publicPath, key.publicArmored, mode: 0o644)
                } catch {
                    unlink(secretPath)
                    throw error
                }
                if json {
                    print(
                        try JSONText.encode(
                            KeyJSON.keygen(
                                fingerprint: key.fingerprint, publicFile: publicPath, secretFile: secretPath,
                                protected: passphrase != nil)))
                } else {
                    Self.printText(key.fingerprint, publicPath: publicPath, secretPath: secretPath)
                }
                if passphrase == nil {
                    FileHandle.standardError.write(
                        Data(
                            "lifeboat: warning: the secret key has no passphrase: anyone who copies \(secretPath) can read every backup (give --passphrase-file to protect it)\n"
                                .utf8))
                }
            }
        }

        /// What keygen tells a person: the fingerprint, which file goes where, and to keep the secret off the host.
        static func printText(_ fingerprint: String, publicPath: String, secretPath: String) {
            print("fingerprint: \(fingerprint)")
            print("public key: \(publicPath) (copy it to the host)")
            print("secret key: \(secretPath)")
            print("keep the secret key OFF the host, in two separate safe places; without it no backup can be restored")
        }

        /// Creates a new file with its final mode from the start (O_EXCL: never replaces anything).
        static func create(_ path: String, _ text: String, mode: mode_t) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            guard fd >= 0 else {
                let reason =
                    errno == EEXIST ? "already exists; refusing to overwrite it" : String(cString: strerror(errno))
                throw CryptoError(.io, "\(path): \(reason)")
            }
            defer { close(fd) }
            // umask may have narrowed the mode; set exactly what we mean (never wider than asked).
            fchmod(fd, mode)
            try FileDescriptorSink(fd: fd).write(Array(text.utf8))
            guard fsync(fd) == 0 else { throw CryptoError(.io, "\(path): \(String(cString: strerror(errno)))") }
        }
    }
}
