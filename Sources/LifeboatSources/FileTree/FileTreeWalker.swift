import LifeboatCore

#if canImport(Glibc)
    import Glibc
#endif

/// One thing found on disk: its absolute path (bytes, as the kernel has it) and what `lstat` said.
struct FileTreeItem {
    let path: [UInt8]
    let info: stat

    /// The path for messages.
    var display: String { TarBytes.display(path) }
}

/// Walks a list of absolute roots depth first in a stable (byte-sorted) order, never following
/// symlinks, and leaves out whatever an exclude pattern matches (by base name or full path).
///
/// Names are read with readdir as bytes, so a name that is not UTF-8 is walked like any other.
/// A root that is missing or unreadable fails the walk (a policy that names it is wrong); an entry
/// below it that vanishes or cannot be read is skipped and reported through `skip`.
struct FileTreeWalker {
    let roots: [String]
    let excludes: [String]

    /// Checks the roots: absolute, no `..`; drops duplicates and roots inside other roots.
    static func normalize(_ paths: [String]) throws -> [String] {
        var cleaned: [String] = []
        for path in paths {
            guard path.hasPrefix("/") else {
                throw ArchiveError(.invalidArgument, "path \(path) is not absolute", path: path)
            }
            let parts = path.split(separator: "/").filter { $0 != "." }
            if parts.contains("..") {
                throw ArchiveError(.invalidArgument, "path \(path) contains '..'", path: path)
            }
            cleaned.append("/" + parts.joined(separator: "/"))
        }
        let sorted = Set(cleaned).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return sorted.filter { root in
            !sorted.contains { other in other != root && (other == "/" || root.hasPrefix(other + "/")) }
        }
    }

    func isExcluded(_ path: [UInt8]) -> Bool {
        guard !excludes.isEmpty else { return false }
        let base = path.split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? path
        let cBase = TarBytes.c(base)
        let cPath = TarBytes.c(path)
        return excludes.contains { fnmatch($0, cBase, 0) == 0 || fnmatch($0, cPath, 0) == 0 }
    }

    /// Calls `visit` for every item, parents before children; `skip` for each entry left out because
    /// it vanished or could not be read. Throws when a root is missing or unreadable.
    func walk(_ visit: (FileTreeItem) throws -> Void, skip: (String) -> Void) throws {
        for root in roots { try Self.checkRoot(root) }
        var stack: [[UInt8]] = roots.reversed().map { Array($0.utf8) }
        let rootSet = Set(stack)
        while let path = stack.popLast() {
            if isExcluded(path) { continue }
            var display: String { TarBytes.display(path) }
            var info = stat()
            guard lstat(TarBytes.c(path), &info) == 0 else {
                let code = errno
                if rootSet.contains(path) {
                    throw ArchiveError.system("cannot read policy path", path: display, errno: code)
                }
                if code == ENOENT {
                    skip("\(display) vanished before it could be archived")
                } else {
                    skip("cannot stat \(display): \(TarSystem.describe(errno: code)); skipped")
                }
                continue
            }
            try visit(FileTreeItem(path: path, info: info))
            guard info.st_mode & S_IFMT == S_IFDIR else { continue }
            let names: [[UInt8]]
            switch Self.list(path) {
            case .success(let found): names = found
            case .failure(let error):
                if rootSet.contains(path) {
                    throw ArchiveError.system("cannot read policy path", path: display, errno: error.code)
                }
                let reason = TarSystem.describe(errno: error.code)
                skip("cannot list directory \(display): \(reason); its contents are skipped")
                continue
            }
            let prefix = path == [UInt8(ascii: "/")] ? path : path + [UInt8(ascii: "/")]
            let children = names.sorted { $0.lexicographicallyPrecedes($1) }.map { prefix + $0 }
            stack.append(contentsOf: children.reversed())
        }
    }

    /// A root must exist and be readable: a directory listable, a file openable.
    static func checkRoot(_ root: String) throws {
        var info = stat()
        guard lstat(root, &info) == 0 else {
            let code = errno
            if code == ENOENT {
                throw ArchiveError(.io, "policy path \(root) does not exist", path: root)
            }
            throw ArchiveError.system("cannot read policy path", path: root, errno: code)
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFDIR || kind == S_IFREG else { return }
        let fd = open(root, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { throw ArchiveError.system("cannot read policy path", path: root, errno: errno) }
        close(fd)
    }

    /// The names in a directory, without `.` and `..`, read as bytes.
    static func list(_ path: [UInt8]) -> Result<[[UInt8]], SystemCallError> {
        guard let dir = opendir(TarBytes.c(path)) else { return .failure(SystemCallError(errno)) }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { return .failure(SystemCallError(errno)) }
                return .success(names)
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [UInt8(ascii: ".")] || name == TarBytes.dotDot { continue }
            names.append(name)
        }
    }
}
