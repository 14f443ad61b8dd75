import Foundation
import LifeboatCore

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a small pax tar of named entries (a folder, files from memory or from disk) for payloads
/// Lifeboat assembles itself, such as a `pg_bundle`; the file tree archiver is for operators' trees.
/// Entries are owned by root, 0600 files and 0700 folders, dated now.
final class SimpleTarWriter {
    private let sink: ByteSink
    private var written: Int64 = 0
    private let now = Int64(Date().timeIntervalSince1970)

    init(_ sink: ByteSink) { self.sink = sink }

    func addDirectory(name: String) throws {
        var h = TarEntryHeader(name: Array((name + "/").utf8), kind: .directory)
        h.mode = 0o700
        h.mtimeSeconds = now
        try put(TarHeaderEncoder.encode(h))
    }

    func addFile(name: String, contents: [UInt8]) throws {
        try put(TarHeaderEncoder.encode(header(name, size: Int64(contents.count))))
        try put(contents)
        try put([UInt8](repeating: 0, count: TarHeaderEncoder.padding(contents.count)))
    }

    /// Copies the regular file at `path`; one that changes size while it is read fails the archive.
    func addFile(name: String, path: String) throws {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw LifeboatError.failed("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw LifeboatError.failed("\(path) is not a regular file")
        }
        let size = Int64(info.st_size)
        try put(TarHeaderEncoder.encode(header(name, size: size)))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var left = size
        while left > 0 {
            let n = try FileDescriptorIO.read(fd, buffer.baseAddress, Int(min(Int64(buffer.count), left)))
            guard n > 0 else { throw LifeboatError.failed("\(path) shrank while it was archived") }
            try put(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            left -= Int64(n)
        }
        try put([UInt8](repeating: 0, count: TarHeaderEncoder.padding(size)))
    }

    /// The two zero blocks that end an archive, padded to GNU tar's 10 KiB record.
    func end() throws {
        let tail = 2 * TarHeaderEncoder.block
        let record: Int64 = 10240
        let pad = Int((record - (written + Int64(tail)) % record) % record)
        try put([UInt8](repeating: 0, count: tail + pad))
    }

    private func header(_ name: String, size: Int64) -> TarEntryHeader {
        var h = TarEntryHeader(name: Array(name.utf8), kind: .file)
        h.size = size
        h.mode = 0o600
        h.mtimeSeconds = now
        return h
    }

    private func put(_ bytes: [UInt8]) throws {
        try sink.write(bytes)
        written += Int64(bytes.count)
    }

    private func put(_ bytes: UnsafeRawBufferPointer) throws {
        try sink.write(bytes)
        written += Int64(bytes.count)
    }
}
