import LifeboatCore

#if canImport(Glibc)
    import Glibc
#endif

/// The target of an extraction, reached only through directory descriptors: every path
/// component is opened with O_NOFOLLOW, so no entry can write through a symlink or outside.
final class TarSafeDirectory {
    let path: String
    private let rootFD: Int32
    private var cached: (components: ArraySlice<[UInt8]>, fd: Int32)?

    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ArchiveError.system("cannot open target directory", path: path, errno: errno) }
        self.path = path
        rootFD = fd
    }

    deinit {
        if let cached { close(cached.fd) }
        close(rootFD)
    }

    /// The components of an archive name (bytes, not necessarily UTF-8), refusing absolute names,
    /// `..` and NUL bytes.
    static func components(of name: [UInt8], what: String = "path") throws -> [[UInt8]] {
        let shown = TarBytes.display(name)
        if name.first == UInt8(ascii: "/") {
            throw ArchiveError(.unsafePath, "refusing absolute \(what) \(shown)", path: shown)
        }
        if name.contains(0) {
            throw ArchiveError(.unsafePath, "refusing \(what) with a nul byte \(shown)", path: shown)
        }
        let parts = TarBytes.split(name)
        if parts.contains(TarBytes.dotDot) {
            throw ArchiveError(.unsafePath, "refusing \(what) with a '..' component \(shown)", path: shown)
        }
        return parts
    }

    /// A name made of components, for messages.
    static func display(_ parts: some Collection<[UInt8]>) -> String {
        TarBytes.display(Array(parts.joined(separator: [UInt8(ascii: "/")])))
    }

    /// Runs `body` with a descriptor of the directory holding the last component of `parts`,
    /// creating missing directories when `create` is set. The descriptor is cached between calls.
    func withParent<T>(of parts: [[UInt8]], create: Bool, _ body: (Int32) throws -> T) throws -> T {
        let dirs = parts.dropLast()
        if let cached, cached.components == dirs { return try body(cached.fd) }
        let fd = try openDirectory(dirs, create: create, name: Self.display(parts))
        if let old = cached, old.fd != rootFD { close(old.fd) }
        cached = (dirs, fd)
        return try body(fd)
    }

    /// Opens a directory below the root without following symlinks; the root itself for no parts.
    private func openDirectory(_ dirs: ArraySlice<[UInt8]>, create: Bool, name: String) throws -> Int32 {
        var current = dup(rootFD)
        guard current >= 0 else { throw ArchiveError.system("cannot open", path: path, errno: errno) }
        for (i, bytes) in dirs.enumerated() {
            let part = TarBytes.c(bytes)
            var next = openat(current, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 && errno == ENOENT && create {
                if mkdirat(current, part, 0o755) != 0 && errno != EEXIST {
                    let code = errno
                    close(current)
                    throw ArchiveError.system("cannot create directory", path: name, errno: code)
                }
                next = openat(current, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            if next < 0 {
                let code = errno
                let isLink = Self.kind(current, bytes) == S_IFLNK
                close(current)
                let prefix = Self.display(dirs.prefix(i + 1))
                if isLink {
                    throw ArchiveError(
                        .unsafePath, "refusing to write \(name) through the symlink \(prefix)", path: name)
                }
                throw ArchiveError.system("cannot open directory \(prefix) for", path: name, errno: code)
            }
            close(current)
            current = next
        }
        return current
    }

    /// The file type (S_IFMT bits) of `name` in `dirFD` without following symlinks; nil if absent.
    static func kind(_ dirFD: Int32, _ name: [UInt8]) -> mode_t? {
        var info = stat()
        guard fstatat(dirFD, TarBytes.c(name), &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    /// Removes whatever non-directory is at `leaf` so an entry can take its place.
    static func clear(_ dirFD: Int32, _ leaf: [UInt8], name: String) throws {
        guard let kind = kind(dirFD, leaf) else { return }
        if kind == S_IFDIR {
            throw ArchiveError(.io, "cannot replace the directory \(name) with a non-directory", path: name)
        }
        if unlinkat(dirFD, TarBytes.c(leaf), 0) != 0 {
            throw ArchiveError.system("cannot replace", path: name, errno: errno)
        }
    }

    /// Whether a relative symlink target, seen from the link's directory, stays inside the root.
    static func staysInside(linkParts: [[UInt8]], target: [UInt8]) -> Bool {
        var depth = linkParts.count - 1
        for part in TarBytes.split(target) {
            depth += part == TarBytes.dotDot ? -1 : 1
            if depth < 0 { return false }
        }
        return true
    }
}

extension TarSafeDirectory {
    /// Flushes the file system holding the target to disk: one syncfs for the whole extraction rather
    /// than an fsync per file. A failure (a write-back error) fails the restore.
    func syncFileSystem() throws {
        if GNU.syncfs(rootFD) != 0 {
            throw ArchiveError.system("cannot flush to disk the restored files in", path: path, errno: errno)
        }
    }
}
