#if canImport(Glibc)
    import Glibc
#endif

/// A file that appears under its name whole or not at all: written under a temporary name in the same
/// folder, fsynced, renamed over the name, and the folder fsynced, so even a power cut leaves either
/// the old file or the new one. The temporary file is created `O_EXCL|O_NOFOLLOW`, never through a
/// name someone planted.
package final class AtomicFile {
    /// The step that failed, with the path it concerned and the errno.
    package struct Failure: Error, Sendable {
        /// Each step is named by its verb, as messages say it ("cannot sync …").
        package enum Step: String, Sendable { case create, write, sync, rename }
        package let step: Step
        package let path: String
        package let error: SystemCallError
    }

    /// The name the file gets on `commit`.
    package let path: String
    /// The name it is written under meanwhile.
    package let temporaryPath: String
    /// The descriptor of the temporary file, open for writing until `commit` or `abandon`.
    package private(set) var descriptor: Int32
    private var finished = false

    /// Creates the temporary file (by default `<path>.tmp-<pid>-<random>`); something already at that
    /// name is removed first when `replacingLeftover` (a link is removed, never followed).
    package init(path: String, temporaryPath: String? = nil, mode: mode_t = 0o600, replacingLeftover: Bool = false)
        throws(Failure)
    {
        let temporary = temporaryPath ?? "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        if replacingLeftover { ExclusiveFile.removeLeftover(temporary) }
        do {
            descriptor = try FileDescriptorIO.open(
                temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: mode)
        } catch {
            throw Failure(step: .create, path: temporary, error: error)
        }
        self.path = path
        self.temporaryPath = temporary
    }

    deinit { abandon() }

    /// Appends bytes to the temporary file.
    package func write(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        do {
            try FileDescriptorIO.writeAll(descriptor, bytes)
        } catch {
            throw Failure(step: .write, path: temporaryPath, error: error)
        }
    }

    /// Flushes the temporary file to disk (the first half of `commit`).
    package func sync() throws(Failure) {
        guard fsync(descriptor) == 0 else {
            throw Failure(step: .sync, path: temporaryPath, error: SystemCallError(errno))
        }
    }

    /// Closes the temporary file and renames it to `path` (the second half of `commit`, after `sync`).
    package func rename() throws(Failure) {
        close(descriptor)
        descriptor = -1
        guard Glibc.rename(temporaryPath, path) == 0 else {
            throw Failure(step: .rename, path: path, error: SystemCallError(errno))
        }
        finished = true
    }

    /// Syncs, renames into place and syncs the folder. `durable: false` skips both fsyncs, for a file
    /// rewritten so often that only its being whole matters.
    package func commit(durable: Bool = true) throws(Failure) {
        if durable { try sync() }
        try rename()
        if durable { Self.syncFolder(of: path) }
    }

    /// Closes and removes the temporary file unless it was renamed; called on every failure path and on release.
    package func abandon() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        if !finished { unlink(temporaryPath) }
        finished = true
    }

    /// Fsyncs the folder holding `path`, so a rename in it survives a power cut.
    package static func syncFolder(of path: String) {
        let slash = path.lastIndex(of: "/")
        syncFolder(slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? ".")
    }

    /// Fsyncs the folder `folder` (a failure to open it is ignored, as a folder sync is best effort).
    package static func syncFolder(_ folder: String) {
        guard let fd = try? FileDescriptorIO.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) else { return }
        fsync(fd)
        close(fd)
    }
}
