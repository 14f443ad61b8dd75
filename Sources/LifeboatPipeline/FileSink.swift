import Foundation
import LifeboatCore

/// Writes a stream to a file under a temporary name and renames it into place only on `finish`,
/// so a failed restore never leaves a half-written file behind under the real name.
///
/// The temporary file lives in a private folder beside the target, `<path>.lifeboat-partial-<pid>/`,
/// made 0700 by this process and opened `O_EXCL|O_NOFOLLOW`: a symlink planted at either name is
/// removed or refused, never written through, and no other user can read the plaintext meanwhile.
package final class FileSink: ByteSink {
    package let path: String
    /// The private folder holding the file while it is written.
    package let folder: String
    package var temporaryPath: String { file.temporaryPath }
    private let file: AtomicFile
    private var done = false

    package init(path: String, mode: mode_t = 0o600) throws {
        let folder = "\(path).lifeboat-partial-\(getpid())"
        let leaf = (path as NSString).lastPathComponent
        let temporaryPath = "\(folder)/\(leaf.isEmpty ? "data" : leaf)"
        try ExclusiveFile.makePrivateFolder(folder)
        do {
            file = try AtomicFile(path: path, temporaryPath: temporaryPath, mode: mode)
        } catch {
            rmdir(folder)
            throw ExclusiveFile.creationFailure(temporaryPath, code: error.error.code)
        }
        self.path = path
        self.folder = folder
    }

    deinit { abandon() }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try file.write(bytes)
        } catch {
            throw LifeboatError.failed("cannot write \(temporaryPath): \(error.error.reason)")
        }
    }

    /// Syncs the file and renames it into place; the target's folder is not synced.
    package func finish() throws {
        do {
            try file.sync()
            try file.rename()
        } catch {
            let reason = error.error.reason
            guard error.step == .rename else { throw LifeboatError.failed("cannot sync \(temporaryPath): \(reason)") }
            throw LifeboatError.failed("cannot rename \(temporaryPath) to \(path): \(reason)")
        }
        rmdir(folder)
        done = true
    }

    /// Removes the temporary file and its folder; called on every failure path and on release.
    package func abandon() {
        file.abandon()
        if !done { rmdir(folder) }
        done = true
    }
}
