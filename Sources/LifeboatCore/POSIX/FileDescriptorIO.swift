#if canImport(Glibc)
    import Glibc
#endif

/// Reads and writes on raw file descriptors with interrupted calls retried and short writes
/// completed, so no caller writes its own loop for either.
package enum FileDescriptorIO {
    /// Opens `path`; throws the errno on failure.
    package static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(SystemCallError) -> Int32 {
        try SystemCall.check { Glibc.open(path, flags, mode) }
    }

    /// Reads up to `count` bytes into `buffer`; 0 at end of file.
    package static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int)
        throws(SystemCallError) -> Int
    {
        try SystemCall.check { Glibc.read(fd, buffer, count) }
    }

    /// Reads up to `buffer.count` bytes; 0 at end of file.
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        try read(fd, buffer.baseAddress, buffer.count)
    }

    /// Reads up to `buffer.count` bytes at `offset` without moving the file position; 0 at end of file.
    package static func pread(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64)
        throws(SystemCallError) -> Int
    {
        try SystemCall.check { Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    /// Writes every byte, continuing after short writes.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let done = offset
            offset += try SystemCall.check { Glibc.write(fd, base + done, bytes.count - done) }
        }
    }

    /// Reads until end of file in blocks of `blockSize` bytes, handing each to `body`; a failed read is
    /// thrown as `readFailure` words it, so each caller keeps its own message.
    package static func forEachBlock(
        _ fd: Int32, blockSize: Int = 1 << 20, readFailure: (SystemCallError) -> any Error,
        _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            do {
                n = try read(fd, into: buffer)
            } catch {
                throw readFailure(error)
            }
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Reads until end of file.
    package static func readAll(_ fd: Int32, bufferSize: Int = 1 << 16) throws(SystemCallError) -> [UInt8] {
        var all: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try read(fd, into: buffer)
            if n == 0 { return all }
            all.append(contentsOf: buffer[0..<n])
        }
    }
}
