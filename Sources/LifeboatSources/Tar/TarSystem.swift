import LifeboatCore

#if canImport(Glibc)
    import Glibc
#endif

/// Small wrappers over libc for the archiver and extractor: errno text, retrying reads/writes.
enum TarSystem {
    static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }

    /// Reads up to `count` bytes (an interrupted read is retried); returns 0 at end of file, -1 with
    /// errno set on failure.
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        SystemCall.retryingInterrupts { Glibc.read(fd, buffer, count) }
    }

    /// Writes all bytes, completing short writes; returns false with errno set on failure.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        do {
            try FileDescriptorIO.writeAll(fd, bytes)
            return true
        } catch {
            errno = error.code
            return false
        }
    }

    /// Whether a name is pure ASCII without control characters.
    static func isPlainASCII<S: Sequence>(_ bytes: S) -> Bool where S.Element == UInt8 {
        bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
    }
}
