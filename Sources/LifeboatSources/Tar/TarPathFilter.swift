import Glibc

/// Which archive entries `ls PATH...` shows and `restore --path` restores: an entry whose path (as on
/// the host, with its leading `/`) is one of `paths`, lies under one, or matches one as a shell glob
/// (`*.conf`, `/etc/app/*`). No paths: every entry.
package struct TarPathFilter: Sendable {
    package let paths: [String]

    package init(_ paths: [String]) {
        self.paths = paths.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    package var selectsAll: Bool { paths.isEmpty }

    /// `path` is an archive name, relative (`etc/app/x`) or already absolute.
    package func matches(_ path: String) -> Bool {
        guard !paths.isEmpty else { return true }
        var p = path.hasPrefix("/") ? path : "/" + path
        if p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return paths.contains { want in
            p == want || p.hasPrefix(want == "/" ? "/" : want + "/") || fnmatch(want, p, 0) == 0
        }
    }
}
