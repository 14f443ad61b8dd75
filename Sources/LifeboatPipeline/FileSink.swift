import Foundation
import LifeboatCore

/// Writes a stream to a file under a temporary name and renames it into place only on `finish`,
/// so a failed restore never leaves a half-written file behind under the real name.
///
/// The temporary file lives in a private folder beside the target, `<path>.lifeboat-partial-<pid>/`,
/// made 0700 by this process and opened `O_EXCL|O_NOFOLLOW`: a symlink planted at either name is
/// removed or refused, never written through, and no other user can read the plaintext meanwhile.
public final class FileSink: ByteSink {
    public let path: String
    /// The private folder holding the file while it is written.
    public let folder: String
    public let temporaryPath: String
    private var fd: Int32
    private var done = false

    public init(path: String, mode: mode_t = 0o600) throws {
        let folder = "\(path).lifeboat-partial-\(getpid())"
        let leaf = (path as NSString).lastPathComponent
        let temporaryPath = "\(folder)/\(leaf.isEmpty ? "data" : leaf)"
        try ExclusiveFile.makePrivateFolder(folder)
        do {
            fd = try ExclusiveFile.create(temporaryPath, mode: mode)
        } catch {
            rmdir(folder)
            throw error
        }
        self.path = path
        self.folder = folder
        self.temporaryPath = temporaryPath
    }

    deinit { abandon() }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try FileDescriptorIO.writeAll(fd, bytes)
        } catch {
            throw LifeboatError.failed("cannot write \(temporaryPath): \(error.reason)")
        }
    }

    public func finish() throws {
        guard fsync(fd) == 0 else {
            throw LifeboatError.failed("cannot sync \(temporaryPath): \(String(cString: strerror(errno)))")
        }
        close(fd)
        fd = -1
        guard rename(temporaryPath, path) == 0 else {
            throw LifeboatError.failed("cannot rename \(temporaryPath) to \(path): \(String(cString: strerror(errno)))")
        }
        rmdir(folder)
        done = true
    }

    /// Removes the temporary file and its folder; called on every failure path and on release.
    public func abandon() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        if !done {
            unlink(temporaryPath)
            rmdir(folder)
        }
        done = true
    }
}
