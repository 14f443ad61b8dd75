import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one way Lifeboat creates a file or folder for output: never through a name someone else
/// planted. A file is opened `O_CREAT|O_EXCL|O_NOFOLLOW`, so a symlink or file already at the name
/// fails the open instead of being followed or reused; a private folder is made 0700 by this process.
package enum ExclusiveFile {
    /// Creates `path` for writing and returns its descriptor, or throws with the path and errno.
    /// Something left at the name by an earlier, killed run of ours (a regular file or a symlink) is
    /// unlinked first when `replacingLeftover`: unlink removes a link, it never follows one.
    package static func create(_ path: String, mode: mode_t = 0o600, replacingLeftover: Bool = false) throws -> Int32 {
        if replacingLeftover { removeLeftover(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw creationFailure(path, code: errno) }
        return fd
    }

    /// The error for a file that could not be created at `path`, with a hint when something is already there.
    package static func creationFailure(_ path: String, code: Int32) -> LifeboatError {
        LifeboatError.failed(
            "cannot create \(path): \(String(cString: strerror(code)))"
                + (code == EEXIST ? " (something is already there; remove it if no lifeboat process is running)" : ""))
    }

    /// Makes `path` a folder that only this user can enter (0700), made by this process: whatever was
    /// at the name (a leftover of ours, or a planted link) is removed first without following it.
    package static func makePrivateFolder(_ path: String) throws {
        removeLeftover(path)
        guard mkdir(path, 0o700) == 0 else {
            throw LifeboatError.failed("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        // mkdir applies the umask; 0700 it is, whatever the umask.
        chmod(path, 0o700)
    }

    /// Removes a file, a symlink, or a folder of ours at `path`, never following a link.
    package static func removeLeftover(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR {
            guard st.st_uid == geteuid() else { return }
            try? FileManager.default.removeItem(atPath: path)
        } else {
            unlink(path)
        }
    }
}
