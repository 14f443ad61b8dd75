import Foundation
import LifeboatCore

/// Writes a stream to a file under a temporary name and renames it into place only on `finish`,
/// so a failed restore never leaves a half-written file behind under the real name.
public final class FileSink: ByteSink {
    public let path: String
    public let temporaryPath: String
    private var fd: Int32
    private var done = false

    public init(path: String, mode: mode_t = 0o600) throws {
        self.path = path
        temporaryPath = "\(path).lifeboat-partial-\(getpid())"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw LifeboatError.failed("cannot create \(temporaryPath): \(String(cString: strerror(errno)))")
        }
    }

    deinit { abandon() }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw LifeboatError.failed("cannot write \(temporaryPath): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    public func finish() throws {
        guard fsync(fd) == 0 else {
            throw LifeboatError.failed("cannot sync \(temporaryPath): \(String(cString: strerror(errno)))")
        }
        close(fd)
        fd = -1
        guard rename(temporaryPath, path) == 0 else {
            throw LifeboatError.failed("cannot rename \(temporaryPath) to \(path): \(String(cString: strerror(errno)))")
        }
        done = true
    }

    /// Removes the temporary file; called on every failure path and on release.
    public func abandon() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        if !done { unlink(temporaryPath) }
        done = true
    }
}
