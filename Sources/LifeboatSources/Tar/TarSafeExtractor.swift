import LifeboatCore

#if canImport(Glibc)
    import Glibc
#endif

/// Extracts a tar stream into a target directory and nowhere else, so a restore from a damaged
/// or hostile backup cannot touch the rest of the system.
///
/// Refused: absolute names, `..` components, writing through any symlink (every component is
/// opened with O_NOFOLLOW, including symlinks created earlier in the same archive), hard links to
/// names outside the target, relative symlinks that climb out of it. Absolute symlink targets are
/// kept verbatim (a backup of /etc holds them); they are never followed. Restores content (long runs
/// of zeros as holes), names as bytes (not only UTF-8), modes (mode & 0o7777), owners and extended
/// attributes (ACLs, capabilities, SELinux labels) when running as root, mtimes (directories' at
/// `finish()`, deepest first) and hard links. Devices, fifos and unknown types are skipped with a warning.
package final class SafeTarExtractor: ByteSink {
    /// What was extracted so far.
    package private(set) var report = ArchiveReport()

    private let target: TarSafeDirectory
    private var parser: TarStreamParser?
    private var file: (writer: TarSparseWriter, name: String)?
    private var directories: [(parts: [[UInt8]], entry: TarEntry)] = []
    private let asRoot: Bool
    private var saidXattrsSkipped = false
    private var failure: Error?
    private var done = false
    /// With `restore --path`: the entries to restore; the rest are read past and written nowhere.
    private let select: TarPathFilter
    /// Folders the archive holds that `select` passed over: their metadata is applied to the ones made
    /// as parents of a selected entry (the folders above it).
    private var above: [(parts: [[UInt8]], entry: TarEntry)] = []
    /// Names restored as files, folders or links, so a hard link to one passed over is named, not failed.
    private var restoredNames = Set<[[UInt8]]>()
    /// Entries the filter selected.
    package private(set) var selected = 0

    /// `targetDirectory` must exist; the caller makes a fresh staging directory.
    /// `select` limits the restore to some entries (and the folders above them).
    package convenience init(targetDirectory: String, select: TarPathFilter = TarPathFilter([])) throws {
        try self.init(targetDirectory: targetDirectory, asRoot: geteuid() == 0, select: select)
    }

    /// `asRoot` false: owners and extended attributes are left as they come (tests use it as root).
    init(targetDirectory: String, asRoot: Bool, select: TarPathFilter = TarPathFilter([])) throws {
        target = try TarSafeDirectory(path: targetDirectory)
        self.asRoot = asRoot
        self.select = select
        parser = TarStreamParser(consumer: self)
    }

    deinit {
        if let file { close(file.writer.fd) }
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let failure { throw failure }
        guard !done, let parser else { throw ArchiveError(.invalidArgument, "tar extractor used after finish") }
        do { try parser.feed(bytes) } catch {
            failure = error
            throw error
        }
    }

    package func finish() throws {
        if let failure { throw failure }
        guard !done else { return }
        do {
            try parser?.finish()
            try applyDirectoryMetadata()
            done = true
            parser = nil
        } catch {
            failure = error
            throw error
        }
    }

    private func warn(_ message: String) {
        report.warnings.append(message)
    }

    /// Restores an entry's extended attributes on `fd` (or on the symlink `leaf` in the directory `fd`)
    /// as root; otherwise says once that they were not.
    private func restoreXattrs(_ entry: TarEntry, fd: Int32, symlink leaf: [UInt8]? = nil, name: String) {
        guard !entry.xattrs.isEmpty else { return }
        guard asRoot else {
            if !saidXattrsSkipped {
                warn("extended attributes (ACLs, capabilities, SELinux labels) were not restored: that needs root")
                saidXattrsSkipped = true
            }
            return
        }
        let problems =
            leaf.map { TarXattrWriter.apply(entry.xattrs, symlink: $0, in: fd, name: name) }
            ?? TarXattrWriter.apply(entry.xattrs, fd: fd, name: name)
        for problem in problems { warn(problem) }
    }

    private func applyDirectoryMetadata() throws {
        // Folders above a selected entry that exist because it needed them take the archive's metadata.
        for (parts, entry) in above
        where
            (try? target.withParent(of: parts, create: false) { parent in
                TarSafeDirectory.kind(parent, parts[parts.count - 1])
            }) != nil
        {
            directories.append((parts, entry))
        }
        above.removeAll()
        for (parts, entry) in directories.sorted(by: { $0.parts.count > $1.parts.count }) {
            let name = TarSafeDirectory.display(parts)
            let fd = try target.withParent(of: parts, create: false) { parent in
                openat(parent, TarBytes.c(parts[parts.count - 1]), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            guard fd >= 0 else { throw ArchiveError.system("cannot open directory", path: name, errno: errno) }
            defer { close(fd) }
            if asRoot && fchown(fd, entry.uid, entry.gid) != 0 {
                throw ArchiveError.system("cannot set the owner of", path: name, errno: errno)
            }
            if fchmod(fd, mode_t(entry.mode & 0o7777)) != 0 {
                throw ArchiveError.system("cannot set the mode of", path: name, errno: errno)
            }
            restoreXattrs(entry, fd: fd, name: name)
            var times = Self.times(entry)
            if futimens(fd, &times) != 0 {
                throw ArchiveError.system("cannot set the mtime of", path: name, errno: errno)
            }
        }
        directories.removeAll()
    }

    static func times(_ entry: TarEntry) -> [timespec] {
        let t = timespec(tv_sec: Int(entry.mtimeSeconds), tv_nsec: entry.mtimeNanoseconds)
        return [t, t]
    }
}

extension SafeTarExtractor: TarEntryConsumer {
    func begin(_ entry: TarEntry) throws {
        let parts = try TarSafeDirectory.components(of: entry.path)
        let name = TarSafeDirectory.display(parts)
        if !select.selectsAll {
            guard select.matches(TarBytes.display(entry.path)) else {
                if entry.type == UInt8(ascii: "5"), !parts.isEmpty { above.append((parts, entry)) }
                return
            }
            selected += 1
            restoredNames.insert(parts)
            if entry.type == UInt8(ascii: "1"),
                let source = try? TarSafeDirectory.components(of: entry.linkPath, what: "hard link target"),
                !restoredNames.contains(source)
            {
                warn("hard link \(name) not restored: its target \(TarSafeDirectory.display(source)) is not selected")
                return
            }
        }
        switch entry.type {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
            try requireName(parts, entry)
            let fd = try target.withParent(of: parts, create: true) { parent -> Int32 in
                let leaf = parts[parts.count - 1]
                try TarSafeDirectory.clear(parent, leaf, name: name)
                return openat(parent, TarBytes.c(leaf), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            }
            guard fd >= 0 else { throw ArchiveError.system("cannot create", path: name, errno: errno) }
            file = (TarSparseWriter(fd: fd), name)
        case UInt8(ascii: "5"):
            if parts.isEmpty { return }  // the target directory itself: its metadata stays the caller's
            try makeDirectory(parts, name: name)
            directories.append((parts, entry))
            report.directories += 1
        case UInt8(ascii: "2"):
            try requireName(parts, entry)
            try makeSymlink(parts, name: name, entry: entry)
        case UInt8(ascii: "1"):
            try requireName(parts, entry)
            try makeHardLink(parts, name: name, entry: entry)
        default:
            warn("skipping \(Self.typeName(entry.type)) \(entry.display)")
        }
    }

    func content(_ bytes: UnsafeRawBufferPointer) throws {
        guard file != nil else { return }  // skipped entry types
        if file?.writer.write(bytes) != true {
            throw ArchiveError.system("cannot write", path: file?.name ?? "", errno: errno)
        }
        report.bytes += Int64(bytes.count)
    }

    func end(_ entry: TarEntry) throws {
        guard var file else { return }
        self.file = nil
        let fd = file.writer.fd
        defer { close(fd) }
        if !file.writer.finish() {
            throw ArchiveError.system("cannot write", path: file.name, errno: errno)
        }
        if asRoot && fchown(fd, entry.uid, entry.gid) != 0 {
            throw ArchiveError.system("cannot set the owner of", path: file.name, errno: errno)
        }
        if fchmod(fd, mode_t(entry.mode & 0o7777)) != 0 {
            throw ArchiveError.system("cannot set the mode of", path: file.name, errno: errno)
        }
        restoreXattrs(entry, fd: fd, name: file.name)
        var times = Self.times(entry)
        if futimens(fd, &times) != 0 {
            throw ArchiveError.system("cannot set the mtime of", path: file.name, errno: errno)
        }
        report.files += 1
    }

    private func requireName(_ parts: [[UInt8]], _ entry: TarEntry) throws {
        if parts.isEmpty {
            throw ArchiveError(
                .unsafePath, "refusing an entry without a name ('\(entry.display)')", path: entry.display)
        }
    }

    private func makeDirectory(_ parts: [[UInt8]], name: String) throws {
        try target.withParent(of: parts, create: true) { parent in
            let leaf = parts[parts.count - 1]
            let kind = TarSafeDirectory.kind(parent, leaf)
            if kind == S_IFDIR { return }
            if kind != nil && unlinkat(parent, TarBytes.c(leaf), 0) != 0 {
                throw ArchiveError.system("cannot replace", path: name, errno: errno)
            }
            if mkdirat(parent, TarBytes.c(leaf), 0o700) != 0 {
                throw ArchiveError.system("cannot create directory", path: name, errno: errno)
            }
        }
    }

    private func makeSymlink(_ parts: [[UInt8]], name: String, entry: TarEntry) throws {
        let targetPath = entry.linkPath
        if targetPath.isEmpty || targetPath.contains(0) {
            throw ArchiveError(.corrupt, "symlink \(name) has an invalid target", path: name)
        }
        if targetPath.first != UInt8(ascii: "/")
            && !TarSafeDirectory.staysInside(linkParts: parts, target: targetPath)
        {
            throw ArchiveError(
                .unsafePath,
                "refusing symlink \(name) -> \(TarBytes.display(targetPath)): it points outside the target directory",
                path: name)
        }
        try target.withParent(of: parts, create: true) { parent in
            let leaf = parts[parts.count - 1]
            let cLeaf = TarBytes.c(leaf)
            try TarSafeDirectory.clear(parent, leaf, name: name)
            if symlinkat(TarBytes.c(targetPath), parent, cLeaf) != 0 {
                throw ArchiveError.system("cannot create symlink", path: name, errno: errno)
            }
            if asRoot && fchownat(parent, cLeaf, entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW) != 0 {
                throw ArchiveError.system("cannot set the owner of", path: name, errno: errno)
            }
            restoreXattrs(entry, fd: parent, symlink: leaf, name: name)
            var times = Self.times(entry)
            if utimensat(parent, cLeaf, &times, AT_SYMLINK_NOFOLLOW) != 0 {
                throw ArchiveError.system("cannot set the mtime of", path: name, errno: errno)
            }
        }
        report.symlinks += 1
    }

    private func makeHardLink(_ parts: [[UInt8]], name: String, entry: TarEntry) throws {
        let source = try TarSafeDirectory.components(of: entry.linkPath, what: "hard link target")
        guard !source.isEmpty else {
            throw ArchiveError(.corrupt, "hard link \(name) has an empty target", path: name)
        }
        let sourceName = TarSafeDirectory.display(source)
        let sourceParent = try target.withParent(of: source, create: false) { dup($0) }
        guard sourceParent >= 0 else { throw ArchiveError.system("cannot open", path: sourceName, errno: errno) }
        defer { close(sourceParent) }
        try target.withParent(of: parts, create: true) { parent in
            let leaf = parts[parts.count - 1]
            try TarSafeDirectory.clear(parent, leaf, name: name)
            if linkat(sourceParent, TarBytes.c(source[source.count - 1]), parent, TarBytes.c(leaf), 0) != 0 {
                throw ArchiveError.system("cannot link \(name) to", path: sourceName, errno: errno)
            }
        }
        report.hardlinks += 1
    }

    private static func typeName(_ type: UInt8) -> String {
        switch type {
        case UInt8(ascii: "3"): return "character device"
        case UInt8(ascii: "4"): return "block device"
        case UInt8(ascii: "6"): return "fifo"
        default: return "entry of unknown type '\(String(UnicodeScalar(type)))'"
        }
    }
}
