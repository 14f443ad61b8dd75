import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One thing found on disk: its absolute path and what `lstat` said about it.
struct FileTreeItem {
    let path: String
    let info: stat
}

/// Walks a list of absolute roots depth first in a stable (byte-sorted) order, never following
/// symlinks, and leaves out whatever an exclude pattern matches (by base name or full path).
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

    func isExcluded(_ path: String) -> Bool {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return excludes.contains { fnmatch($0, base, 0) == 0 || fnmatch($0, path, 0) == 0 }
    }

    /// Calls `visit` for every item, parents before children; `warn` for what cannot be read.
    func walk(_ visit: (FileTreeItem) throws -> Void, warn: (String) -> Void) throws {
        var stack: [String] = roots.reversed()
        while let path = stack.popLast() {
            if isExcluded(path) { continue }
            var info = stat()
            guard lstat(path, &info) == 0 else {
                let code = errno
                if code == ENOENT {
                    warn("\(path) vanished before it could be archived")
                } else {
                    warn("cannot stat \(path): \(TarSystem.describe(errno: code))")
                }
                continue
            }
            try visit(FileTreeItem(path: path, info: info))
            guard info.st_mode & S_IFMT == S_IFDIR else { continue }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                warn("cannot list directory \(path): \(Self.reason(error))")
                continue
            }
            let prefix = path == "/" ? "/" : path + "/"
            let children = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { prefix + $0 }
            stack.append(contentsOf: children.reversed())
        }
    }

    private static func reason(_ error: Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError {
            return TarSystem.describe(errno: Int32(underlying.code))
        }
        return String(describing: error).lowercased()
    }
}
