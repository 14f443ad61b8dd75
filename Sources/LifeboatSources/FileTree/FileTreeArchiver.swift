import Foundation
import LifeboatCore
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Archives a list of absolute paths as a POSIX pax tar stream, so a `files` backup restores
/// with plain `tar -x`. A root that is missing or unreadable fails the archive; files below it that
/// vanish, change or cannot be read become warnings (and are counted as skipped), not failures.
///
/// Names are the absolute paths without the leading '/', as GNU tar writes them, kept as bytes
/// (names that are not UTF-8 included). Extended attributes, ACLs and capabilities go with each
/// file, directory and symlink as `SCHILY.xattr.*` records. Memory stays at one 1 MiB read buffer plus the
/// hard-link table.
package struct FileTreeArchiver {
    package let paths: [String]
    package let excludes: [String]
    let logger: Logger
    /// Tests use this to change the tree between listing, opening and reading a file.
    var hook: ((FileTreeArchiveStage, String) -> Void)?

    package init(paths: [String], excludes: [String], logger: Logger) {
        self.paths = paths
        self.excludes = excludes
        self.logger = logger
    }

    /// Writes the whole archive to `output`, then calls `output.finish()`.
    package func write(to output: ByteSink) throws -> ArchiveReport {
        let roots = try FileTreeWalker.normalize(paths)
        let session = FileTreeArchiveSession(output: output, logger: logger, hook: hook)
        let walker = FileTreeWalker(roots: roots, excludes: excludes)
        try walker.walk({ try session.add($0) }, skip: { session.skip($0) })
        try session.end()
        try output.finish()
        return session.report
    }
}

/// The state of one archive run: the output, counts, hard links seen, the read buffer.
final class FileTreeArchiveSession {
    static let bufferSize = 1 << 20
    /// GNU tar's default record: the archive is padded to a multiple of it.
    static let recordSize = 10240

    private let output: ByteSink
    private let logger: Logger
    private let hook: ((FileTreeArchiveStage, String) -> Void)?
    private let owners = FileTreeOwners()
    private var links: [FileTreeInode: [UInt8]] = [:]
    private var written: Int64 = 0
    private let base: UnsafeMutableRawPointer
    private let buffer: UnsafeMutableRawBufferPointer
    private(set) var report = ArchiveReport()

    init(output: ByteSink, logger: Logger, hook: ((FileTreeArchiveStage, String) -> Void)?) {
        self.output = output
        self.logger = logger
        self.hook = hook
        base = UnsafeMutableRawPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        buffer = UnsafeMutableRawBufferPointer(start: base, count: Self.bufferSize)
    }

    deinit { base.deallocate() }

    /// Collects a warning; the caller logs the report's warnings once, with the policy's name.
    func warn(_ message: String) {
        report.warnings.append(message)
        logger.debug("\(message)")
    }

    /// A warning for an entry that is left out of the archive: counted in `report.skipped`.
    func skip(_ message: String) {
        report.skipped += 1
        warn(message)
    }

    func add(_ item: FileTreeItem) throws {
        let name = Array(item.path.drop { $0 == UInt8(ascii: "/") })
        guard !name.isEmpty else { return }
        var header = makeHeader(name: name, info: item.info)
        switch item.info.st_mode & S_IFMT {
        case S_IFDIR:
            header.kind = .directory
            header.xattrs = xattrs(FileTreeXattrs.read(path: item.path), item)
            try emit(header)
            report.directories += 1
        case S_IFLNK:
            guard let target = readLink(item) else { return }
            header.kind = .symlink
            header.linkName = target
            header.xattrs = xattrs(FileTreeXattrs.read(path: item.path), item)
            try emit(header)
            report.symlinks += 1
        case S_IFREG:
            try addFile(item, header: header)
        default:
            warn("skipping \(Self.kindName(item.info.st_mode)) \(item.display)")
        }
    }

    /// Writes the end-of-archive marker and pads to a whole record.
    func end() throws {
        let tail = 2 * TarHeaderEncoder.block
        let total = written + Int64(tail)
        let pad = Int((Int64(Self.recordSize) - total % Int64(Self.recordSize)) % Int64(Self.recordSize))
        try put([UInt8](repeating: 0, count: tail + pad))
    }

    private func addFile(_ item: FileTreeItem, header base: TarEntryHeader) throws {
        let info = item.info
        let key = FileTreeInode(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        if info.st_nlink > 1, let first = links[key] {
            var header = base
            header.kind = .hardLink
            header.linkName = first
            header.size = 0
            try emit(header)
            report.hardlinks += 1
            return
        }
        hook?(.beforeOpen, item.display)
        let fd = open(TarBytes.c(item.path), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT {
                skip("\(item.display) vanished before it could be read")
            } else {
                skip("cannot open \(item.display): \(TarSystem.describe(errno: code)); skipped")
            }
            return
        }
        defer { close(fd) }
        var before = stat()
        guard fstat(fd, &before) == 0, before.st_mode & S_IFMT == S_IFREG else {
            skip("\(item.display) changed type before it could be read; skipped")
            return
        }
        var header = makeHeader(name: base.name, info: before)
        header.kind = .file
        header.size = Int64(before.st_size)
        header.xattrs = xattrs(FileTreeXattrs.read(fd: fd), item)
        try emit(header)
        hook?(.afterHeader, item.display)
        let clean = try copyContent(fd: fd, size: header.size, path: item.display)
        var after = stat()
        if clean, fstat(fd, &after) == 0,
            after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec
                || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec
        {
            warn("\(item.display) changed while being read; the archived copy may be inconsistent")
        }
        if before.st_nlink > 1 {
            links[FileTreeInode(device: UInt64(before.st_dev), inode: UInt64(before.st_ino))] = base.name
        }
        report.files += 1
        report.bytes += header.size
    }

    /// Copies exactly `size` bytes: zeros pad a file that shrank, growth past `size` is left out.
    /// Returns false (after warning) when the content had to be padded.
    private func copyContent(fd: Int32, size: Int64, path: String) throws -> Bool {
        var done: Int64 = 0
        var failure: String?
        while done < size {
            let want = Int(min(Int64(buffer.count), size - done))
            let n = failure == nil ? TarSystem.read(fd, base, want) : 0
            if n < 0 { failure = "cannot read \(path): \(TarSystem.describe(errno: errno)); padded with zeros" }
            if n <= 0 {
                if failure == nil { failure = "\(path) shrank while being read; padded with zeros" }
                let zeros = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want])
                zeros.initializeMemory(as: UInt8.self, repeating: 0)
                try put(UnsafeRawBufferPointer(zeros))
                done += Int64(want)
                continue
            }
            try put(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            done += Int64(n)
        }
        try put([UInt8](repeating: 0, count: TarHeaderEncoder.padding(size)))
        if let failure { warn(failure) }
        return failure == nil
    }

    private func makeHeader(name: [UInt8], info: stat) -> TarEntryHeader {
        var header = TarEntryHeader(name: name, kind: .file)
        header.mode = UInt32(info.st_mode) & 0o7777
        header.uid = info.st_uid
        header.gid = info.st_gid
        header.uname = owners.user(info.st_uid)
        header.gname = owners.group(info.st_gid)
        header.mtimeSeconds = Int64(info.st_mtim.tv_sec)
        header.mtimeNanoseconds = Int(info.st_mtim.tv_nsec)
        return header
    }

    private func readLink(_ item: FileTreeItem) -> [UInt8]? {
        var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(TarBytes.c(item.path), &target, target.count - 1)
        guard n >= 0 else {
            skip("cannot read symlink \(item.display): \(TarSystem.describe(errno: errno)); skipped")
            return nil
        }
        return target[0..<n].map { UInt8(bitPattern: $0) }
    }

    /// The attributes read, with a warning (not a skip: the content is still archived) when they
    /// could not all be read.
    private func xattrs(_ read: (xattrs: [TarXattr], error: Int32?), _ item: FileTreeItem) -> [TarXattr] {
        if let code = read.error {
            warn("cannot read the extended attributes of \(item.display): \(TarSystem.describe(errno: code))")
        }
        return read.xattrs
    }

    private func emit(_ header: TarEntryHeader) throws {
        try put(TarHeaderEncoder.encode(header))
    }

    private func put(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try put($0) }
    }

    private func put(_ bytes: UnsafeRawBufferPointer) throws {
        try output.write(bytes)
        written += Int64(bytes.count)
    }

    private static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFSOCK: return "socket"
        case S_IFIFO: return "fifo"
        case S_IFCHR: return "character device"
        case S_IFBLK: return "block device"
        default: return "special file"
        }
    }
}

/// Points in archiving a file where tests can interfere.
enum FileTreeArchiveStage {
    case beforeOpen
    case afterHeader
}

/// A file's identity, to archive the second name of a hard-linked file as a link.
struct FileTreeInode: Hashable {
    let device: UInt64
    let inode: UInt64
}
