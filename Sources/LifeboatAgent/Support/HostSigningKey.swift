import Foundation
import LifeboatCore
import LifeboatCrypto
import Logging

/// The host's signing key on disk: loaded when it exists, made (once, 0600) when a backup first needs
/// it. It lives in the state folder beside the catalog; its public half is what readers trust.
enum HostSigningKey {
    /// Loads the key at `path`, or makes it there when no file exists yet.
    static func loadOrCreate(path: String, host: String, logger: Logger) throws -> OpenPGPSigningKey {
        if let key = try load(path: path) { return key }
        let (key, armored) = try map(path) { try OpenPGPSigningKey.generate(userID: "lifeboat host \(host)") }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw LifeboatError.failed("cannot create \(folder) for the signing key: \(error.localizedDescription)")
        }
        // Written under a temporary name and linked into place: two runs starting at once cannot both
        // make a key, and the loser uses the winner's.
        let temp = "\(path).tmp-\(getpid())"
        unlink(temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LifeboatError.failed("cannot create \(temp): \(String(cString: strerror(errno)))") }
        let bytes = Array(armored.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        defer { unlink(temp) }
        guard written == bytes.count, synced else { throw LifeboatError.failed("cannot write \(temp)") }
        if link(temp, path) != 0 {
            if errno == EEXIST, let other = try load(path: path) { return other }
            throw LifeboatError.failed("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        logger.notice(
            "made this host's signing key \(key.fingerprint) at \(path); keep its public half (lifeboat signing-key) off the host"
        )
        return key
    }

    /// The key at `path`, or nil when there is no file; a file that others can read, or that is not an
    /// unprotected Ed25519 signing key, is bad input.
    static func load(path: String) throws -> OpenPGPSigningKey? {
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return nil }
            throw LifeboatError.badInput(path, "cannot read the signing key: \(String(cString: strerror(errno)))")
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw LifeboatError.badInput(path, "the signing key is not a regular file")
        }
        guard st.st_mode & 0o077 == 0 else {
            throw LifeboatError.badInput(
                path,
                "the signing key is readable by others (mode \(String(st.st_mode & 0o777, radix: 8))): chmod 600 it")
        }
        return try map(path) { try OpenPGPSigningKey.load(contentsOf: path) }
    }

    static func map<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as CryptoError {
            throw LifeboatError(e.isBadInput ? .badInput : .failed, KeyLoading.named(e.description, path))
        }
    }
}
