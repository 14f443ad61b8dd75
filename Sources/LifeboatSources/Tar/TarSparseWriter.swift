#if canImport(Glibc)
    import Glibc
#endif

/// Writes one extracted file's content, turning long runs of zeros back into holes: every
/// 64 KiB block (aligned in the file) that is all zeros is skipped with lseek instead of written,
/// and `finish` sets the size with ftruncate. A sparse disk image or database file then takes no
/// more disk after a restore than before the backup; any other file is written unchanged.
struct TarSparseWriter {
    static let blockSize = 1 << 16

    let fd: Int32
    private var pending: [UInt8] = []
    private(set) var size: Int64 = 0

    init(fd: Int32) {
        self.fd = fd
        pending.reserveCapacity(Self.blockSize)
    }

    /// Takes the next bytes; returns false with errno set when the file system refused them.
    mutating func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var rest = bytes
        while rest.count > 0 {
            if pending.isEmpty && rest.count >= Self.blockSize {
                guard put(UnsafeRawBufferPointer(rebasing: rest.prefix(Self.blockSize))) else { return false }
                rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(Self.blockSize))
                continue
            }
            let take = min(Self.blockSize - pending.count, rest.count)
            pending.append(contentsOf: rest.prefix(take))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(take))
            if pending.count == Self.blockSize {
                guard flushPending() else { return false }
            }
        }
        return true
    }

    /// Writes what is held back and gives the file its full length (a trailing hole included).
    mutating func finish() -> Bool {
        guard flushPending() else { return false }
        return ftruncate(fd, off_t(size)) == 0
    }

    private mutating func flushPending() -> Bool {
        guard !pending.isEmpty else { return true }
        let ok = pending.withUnsafeBytes { put($0) }
        pending.removeAll(keepingCapacity: true)
        return ok
    }

    /// One block (or the tail): a hole when it is all zeros, written otherwise.
    private mutating func put(_ block: UnsafeRawBufferPointer) -> Bool {
        defer { size += Int64(block.count) }
        if Self.isZero(block) {
            return lseek(fd, off_t(block.count), SEEK_CUR) >= 0
        }
        return TarSystem.writeAll(fd, block)
    }

    /// Whether every byte is zero, eight at a time.
    static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let words = bytes.count / 8
        for i in 0..<words where bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self) != 0 { return false }
        for i in (words * 8)..<bytes.count where bytes[i] != 0 { return false }
        return true
    }
}
