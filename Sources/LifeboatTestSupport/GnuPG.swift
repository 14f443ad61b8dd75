import Foundation
import Synchronization

/// A throwaway GnuPG home for tests that check Lifeboat against real `gpg` (2.2): keys, encrypt, decrypt.
///
/// The path is kept short (gpg-agent's socket path has a length limit) and the agent caches no
/// passphrase, so wrong-passphrase tests mean what they say. Call `stop()` or let `atexit` kill the agent.
package final class GnuPGHome: Sendable {
    package let path: String
    private let directory: TemporaryDirectory

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        package init(description: String) { self.description = description }
    }

    package init() throws {
        directory = try TemporaryDirectory(prefix: "g")
        path = directory.path
        chmod(path, 0o700)
        try "default-cache-ttl 0\nmax-cache-ttl 0\nallow-loopback-pinentry\n"
            .write(toFile: "\(path)/gpg-agent.conf", atomically: true, encoding: .utf8)
        GnuPGHome.register(path)
    }

    deinit { stop() }

    /// Stops this home's gpg-agent and waits (up to 2 s) until it has let go of the directory.
    package func stop() {
        GnuPGHome.stopAgent(path)
    }

    private static func stopAgent(_ home: String) {
        _ = try? Command.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"])
        // The agent removes its socket as it exits, then may still write random_seed: wait a little past that.
        for _ in 0..<40 where FileManager.default.fileExists(atPath: "\(home)/S.gpg-agent") {
            usleep(50_000)
        }
        usleep(100_000)
    }

    /// Runs gpg in this home in batch mode; throws with gpg's stderr when it fails and `check` is set.
    @discardableResult
    package func gpg(_ args: [String], stdin: [UInt8]? = nil, stdinFile: String? = nil, check: Bool = true) throws
        -> CommandResult
    {
        let result = try Command.run(
            ["gpg", "--homedir", path, "--batch", "--no-tty", "--quiet"] + args,
            stdin: stdin, stdinFile: stdinFile)
        if check, result.status != 0 {
            throw Failure(description: "gpg \(args.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    private func passphraseArgs(_ passphrase: String?) -> [String] {
        ["--pinentry-mode", "loopback", "--passphrase", passphrase ?? ""]
    }

    /// Makes an RSA key (sign,cert primary, encrypt subkey) and returns its fingerprint.
    package func generateRSA(name: String, bits: Int = 3072, passphrase: String? = nil) throws -> String {
        let spec = """
            \(passphrase == nil ? "%no-protection" : "")
            Key-Type: RSA
            Key-Length: \(bits)
            Key-Usage: sign,cert
            Subkey-Type: RSA
            Subkey-Length: \(bits)
            Subkey-Usage: encrypt
            Name-Real: \(name)
            Name-Email: \(name.lowercased())@example.invalid
            Expire-Date: 0
            \(passphrase.map { "Passphrase: \($0)" } ?? "")
            %commit

            """
        try gpg(passphraseArgs(passphrase) + ["--gen-key"], stdin: Array(spec.utf8))
        return try fingerprint(of: "\(name.lowercased())@example.invalid")
    }

    /// Makes an ed25519 primary with a cv25519 encryption subkey and returns its fingerprint.
    package func generateCurve25519(name: String, passphrase: String? = nil) throws -> String {
        let uid = "\(name) <\(name.lowercased())@example.invalid>"
        try gpg(passphraseArgs(passphrase) + ["--quick-gen-key", uid, "ed25519", "sign,cert", "0"])
        let fpr = try fingerprint(of: "\(name.lowercased())@example.invalid")
        try gpg(passphraseArgs(passphrase) + ["--quick-add-key", fpr, "cv25519", "encr", "0"])
        return fpr
    }

    /// The primary fingerprint of the key matching `query`.
    package func fingerprint(of query: String) throws -> String {
        let listing = try gpg(["--with-colons", "--list-keys", query]).stdoutText
        guard let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") }),
            let fpr = line.split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first
        else { throw Failure(description: "no fingerprint for \(query)") }
        return String(fpr)
    }

    package func exportPublic(_ fpr: String, armor: Bool = true) throws -> [UInt8] {
        try gpg((armor ? ["--armor"] : []) + ["--export", fpr]).stdout
    }

    package func exportSecret(_ fpr: String, passphrase: String? = nil) throws -> [UInt8] {
        try gpg(passphraseArgs(passphrase) + ["--armor", "--export-secret-keys", fpr]).stdout
    }

    package func importKey(_ bytes: [UInt8], passphrase: String? = nil) throws {
        try gpg(passphraseArgs(passphrase) + ["--import"], stdin: bytes)
    }

    /// Encrypts with gpg, uncompressed, trusting the recipients.
    package func encrypt(_ plaintext: [UInt8], to recipients: [String], armor: Bool = false) throws -> [UInt8] {
        let r = recipients.flatMap { ["-r", $0] }
        return try gpg(
            ["--trust-model", "always", "-z", "0", "--encrypt"] + (armor ? ["--armor"] : []) + r,
            stdin: plaintext
        ).stdout
    }

    /// Decrypts with gpg; returns the full result so tests can look at status and stderr.
    package func decrypt(_ ciphertext: [UInt8], passphrase: String? = nil) throws -> CommandResult {
        try gpg(passphraseArgs(passphrase) + ["--decrypt"], stdin: ciphertext, check: false)
    }

    package func decrypt(file: String, passphrase: String? = nil) throws -> CommandResult {
        try gpg(passphraseArgs(passphrase) + ["--decrypt", file], check: false)
    }

    // Agents of homes that live in static test fixtures are killed when the test process exits.
    private static let homes = Mutex<(paths: [String], registered: Bool)>(([], false))

    private static func register(_ path: String) {
        homes.withLock { homes in
            homes.paths.append(path)
            guard !homes.registered else { return }
            homes.registered = true
            atexit {
                for home in GnuPGHome.homes.withLock({ $0.paths }) where FileManager.default.fileExists(atPath: home) {
                    GnuPGHome.stopAgent(home)
                    if (try? FileManager.default.removeItem(atPath: home)) == nil {
                        usleep(200_000)
                        try? FileManager.default.removeItem(atPath: home)
                    }
                }
            }
        }
    }
}
