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
///
/// Every name is made on the caller's thread, in archive order; the content and metadata of files up to
/// `bufferedFileLimit` are then written by a small pool of writers while parsing goes on (larger files
/// are streamed on the caller's thread), and `finish()` waits for them, applies the folders' metadata
/// and flushes the file system once (syncfs) instead of file by file.
package final class SafeTarExtractor: ByteSink {
    /// Files up to this size are read whole and handed to the writer pool; larger ones are written as
    /// they stream in, so no file is ever held whole in memory above it.
    static let bufferedFileLimit = 1 << 20
    /// Writers of small files: I/O-bound, so a few more than the cores.
    static let defaultWriters = 4
    /// The bytes of small files the pool may hold at once (queued and being written).
    static let poolBytes = 16 << 20

    /// The file being extracted: streamed to disk as it comes, or gathered for the writer pool.
    private enum OpenFile {
        case streaming(TarSparseWriter, name: String)
        case gathering(fd: Int32, name: String, content: [UInt8])

        var fd: Int32 {
            switch self {
            case .streaming(let writer, _): writer.fd
            case .gathering(let fd, _, _): fd
            }
        }
    }

    /// What was extracted so far.
    package private(set) var report = ArchiveReport()

    private let target: TarSafeDirectory
    private var parser: TarStreamParser?
    private var file: OpenFile?
    /// Nil when extracting on the caller's thread alone.
    private let pool: TarWriterPool?
    private var directories: [(parts: [[UInt8]], entry: TarEntry)] = []
    private let asRoot: Bool
    private let syncing: Bool
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
    /// `select` limits the restore to some entries (and the folders above them). `syncing` false leaves
    /// the flush to the kernel (the fuzzer, which extracts thousands of throwaway archives).
    package convenience init(
        targetDirectory: String, select: TarPathFilter = TarPathFilter([]), syncing: Bool = true
    ) throws {
        try self.init(targetDirectory: targetDirectory, asRoot: geteuid() == 0, select: select, syncing: syncing)
    }

    /// `asRoot` false: owners and extended attributes are left as they come (tests use it as root).
    /// `writers` 0 extracts everything on the caller's thread (the tests compare both ways).
    init(
        targetDirectory: String, asRoot: Bool, select: TarPathFilter = TarPathFilter([]),
        writers: Int = SafeTarExtractor.defaultWriters, syncing: Bool = true
    ) throws {
        target = try TarSafeDirectory(path: targetDirectory)
        self.syncing = syncing
        self.asRoot = asRoot
        self.select = select
        pool = writers > 0 ? TarWriterPool(width: writers, maxBytes: Self.poolBytes, asRoot: asRoot) : nil
        parser = TarStreamParser(consumer: self)
    }

    deinit {
        pool?.close()
        if let file { close(file.fd) }
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
            if let pool { report.warnings += try pool.drain().warnings }
            try applyDirectoryMetadata()
            if syncing { try target.syncFileSystem() }
            done = true
            parser = nil
            pool?.close()
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
            if !asRoot && !entry.xattrs.isEmpty { restoreXattrs(entry, fd: fd, name: name) }  // says it once
            if pool != nil && entry.size <= Self.bufferedFileLimit {
                var content: [UInt8] = []
                content.reserveCapacity(Int(max(0, entry.size)))
                file = .gathering(fd: fd, name: name, content: content)
            } else {
                file = .streaming(TarSparseWriter(fd: fd), name: name)
            }
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
        switch file {
        case nil:
            return  // skipped entry types
        case .streaming(var writer, let name):
            file = nil  // so the writer's buffer is not copied on write
            let ok = writer.write(bytes)
            file = .streaming(writer, name: name)
            if !ok { throw ArchiveError.system("cannot write", path: name, errno: errno) }
        case .gathering(let fd, let name, var content):
            file = nil
            content.append(contentsOf: bytes)
            file = .gathering(fd: fd, name: name, content: content)
        }
        report.bytes += Int64(bytes.count)
    }

    func end(_ entry: TarEntry) throws {
        guard let open = file else { return }
        file = nil
        switch open {
        case .gathering(let fd, let name, let content):
            // The pool closes the descriptor, on failure too.
            try pool?.submit(TarWriterPool.Job(fd: fd, name: name, entry: entry, content: content))
        case .streaming(var writer, let name):
            defer { close(writer.fd) }
            let problems = try TarFileMetadata.finish(&writer, entry: entry, name: name, asRoot: asRoot)
            report.warnings += problems
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
