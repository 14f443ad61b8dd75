#if canImport(Glibc)
import Glibc
#endif

/// Small wrappers over libc for the archiver and extractor: errno text, retrying reads/writes.
enum TarSystem {
    static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }

    /// Reads up to `count` bytes, retrying on EINTR; returns 0 at end of file.
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    /// Writes all bytes, retrying on EINTR and short writes; returns false with errno set on failure.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard var p = bytes.baseAddress else { return true }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            p += n
            left -= n
        }
        return true
    }

    /// Whether a name is pure ASCII without control characters.
    static func isPlainASCII<S: Sequence>(_ bytes: S) -> Bool where S.Element == UInt8 {
        bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
    }
}
