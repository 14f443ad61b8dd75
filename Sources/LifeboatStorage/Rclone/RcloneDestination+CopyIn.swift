extension RcloneDestination {
    /// What landed here when rclone copied an object in: its size as the remote reports it, and the
    /// sha256 rclone computed over the bytes as it wrote them.
    package struct Landed: Sendable, Equatable {
        package let size: Int64
        package let sha256: String

        package init(size: Int64, sha256: String) {
            self.size = size
            self.sha256 = sha256
        }
    }

    /// Whether rclone can copy from `source` into this destination by itself: the daemon reads one
    /// config file, so a source that names a remote must name one of the same file.
    package func canCopyIn(from source: RcloneSource) -> Bool {
        source.config == nil || source.config == config
    }

    /// This remote behind rclone's `hasher` overlay: every write through it is hashed (sha256) on the
    /// fly and the sum kept in the daemon's private cache folder, which lives as long as the daemon, so
    /// a sum read back was computed by this daemon over the bytes it wrote, never one left from before.
    /// Reads and listings pass through to the remote.
    var hashedRemote: String {
        ":hasher,remote=" + RcloneSource.quoted(remote) + ",hashes=sha256,max_age=off:"
    }

    /// Gets the daemon ready to copy in from `source` while the caller does other work: started, and the
    /// file systems of both ends made (rclone keeps them for the calls that follow), so the first chunk
    /// does not wait for them. Failures are left to the copy itself to meet and report.
    package func prepareCopyIn(from source: RcloneSource) async {
        guard canCopyIn(from: source) else { return }
        let hashed = hashedRemote
        async let from: Empty? = try? control(
            "prepare to copy in", "operations/fsinfo", ["fs": source.fs], as: Empty.self, notFound: .nil)
        async let into: Empty? = try? control(
            "prepare to copy in", "operations/fsinfo", ["fs": hashed], as: Empty.self, notFound: .nil)
        _ = await (from, into)
    }

    /// Has rclone copy `key` from `source` to `key` here (`operations/copyfile`: it reads the source and
    /// writes here in one process; on SFTP, FTP, SMB and local backends through a `.partial` name, on
    /// object stores as one upload) and returns what landed, with the sha256 rclone computed on the
    /// way. The caller compares it with what the object should be and removes it when it is not.
    /// Throws a `StorageError`; a landed object rclone did not hash is `.permanent`.
    package func copyIn(from source: RcloneSource, key: String) async throws -> Landed {
        try ObjectKey.check(key, destination: name)
        guard canCopyIn(from: source) else {
            throw StorageError(
                .permanent, destination: name, "copy \(key) in: \(source.label) is of another rclone config")
        }
        let hashed = hashedRemote
        try await control(
            "copy \(key) in from \(source.label)", "operations/copyfile",
            ["srcFs": source.fs, "srcRemote": key, "dstFs": hashed, "dstRemote": key], as: Empty.self,
            notFound: .error)
        let answer = try await control(
            "stat \(key)", "operations/stat",
            [
                "fs": hashed, "remote": key,
                "opt": ["showHash": true, "hashTypes": ["sha256"], "noModTime": true, "noMimeType": true],
            ], as: StatAnswer.self, notFound: .nil)
        guard let raw = answer?.item else {
            throw StorageError(.transient, destination: name, "copy \(key) in: not there after rclone copied it")
        }
        let entry: RcloneListing.Entry
        let sha256: String?
        do {
            entry = try raw.checked(at: 0)
            sha256 = try raw.hash("sha256", hexDigits: 64)
        } catch {
            throw StorageError(.permanent, destination: name, "stat \(key): rclone's \(error)")
        }
        guard entry.path == key, !entry.isDir else {
            throw StorageError(
                .permanent, destination: name, "stat \(key): rclone answered for \(entry.path.debugDescription)")
        }
        guard let sha256 else {
            throw StorageError(.permanent, destination: name, "copy \(key) in: rclone did not hash what it wrote")
        }
        return Landed(size: entry.size, sha256: sha256)
    }
}
