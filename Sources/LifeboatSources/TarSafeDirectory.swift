#if canImport(Glibc)
import Glibc
#endif

/// The target of an extraction, reached only through directory descriptors: every path
/// component is opened with O_NOFOLLOW, so no entry can write through a symlink or outside.
final class TarSafeDirectory {
    let path: String
    private let rootFD: Int32
    private var cached: (components: ArraySlice<String>, fd: Int32)?

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

    /// The components of an archive name, refusing absolute names, `..` and NUL bytes.
    static func components(of name: String, what: String = "path") throws -> [String] {
        if name.hasPrefix("/") {
            throw ArchiveError(.unsafePath, "refusing absolute \(what) \(name)", path: name)
        }
        if name.utf8.contains(0) {
            throw ArchiveError(.unsafePath, "refusing \(what) with a nul byte \(name)", path: name)
        }
        let parts = name.split(separator: "/").map(String.init).filter { $0 != "." }
        if parts.contains("..") {
            throw ArchiveError(.unsafePath, "refusing \(what) with a '..' component \(name)", path: name)
        }
        return parts
    }

    /// Runs `body` with a descriptor of the directory holding the last component of `parts`,
    /// creating missing directories when `create` is set. The descriptor is cached between calls.
    func withParent<T>(of parts: [String], create: Bool, _ body: (Int32) throws -> T) throws -> T {
        let dirs = parts.dropLast()
        if let cached, cached.components == dirs { return try body(cached.fd) }
        let fd = try openDirectory(dirs, create: create, name: parts.joined(separator: "/"))
        if let old = cached, old.fd != rootFD { close(old.fd) }
        cached = (dirs, fd)
        return try body(fd)
    }

    /// Opens a directory below the root without following symlinks; the root itself for no parts.
    private func openDirectory(_ dirs: ArraySlice<String>, create: Bool, name: String) throws -> Int32 {
        var current = dup(rootFD)
        guard current >= 0 else { throw ArchiveError.system("cannot open", path: path, errno: errno) }
        for (i, part) in dirs.enumerated() {
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
                let isLink = Self.kind(current, part) == S_IFLNK
                close(current)
                let prefix = dirs.prefix(i + 1).joined(separator: "/")
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
    static func kind(_ dirFD: Int32, _ name: String) -> mode_t? {
        var info = stat()
        guard fstatat(dirFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    /// Removes whatever non-directory is at `leaf` so an entry can take its place.
    static func clear(_ dirFD: Int32, _ leaf: String, name: String) throws {
        guard let kind = kind(dirFD, leaf) else { return }
        if kind == S_IFDIR {
            throw ArchiveError(.io, "cannot replace the directory \(name) with a non-directory", path: name)
        }
        if unlinkat(dirFD, leaf, 0) != 0 {
            throw ArchiveError.system("cannot replace", path: name, errno: errno)
        }
    }

    /// Whether a relative symlink target, seen from the link's directory, stays inside the root.
    static func staysInside(linkParts: [String], target: String) -> Bool {
        var depth = linkParts.count - 1
        for part in target.split(separator: "/") where part != "." {
            depth += part == ".." ? -1 : 1
            if depth < 0 { return false }
        }
        return true
    }
}
