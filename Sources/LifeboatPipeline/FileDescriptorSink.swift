import Foundation
import LifeboatCore
import LifeboatCrypto

/// Writes a stream to a file descriptor, all of it, retrying short writes: the end of the `pgp`
/// commands' streams (standard output or a file) and of key files written by `keygen`.
package final class FileDescriptorSink: ByteSink {
    package let fd: Int32
    package init(fd: Int32) { self.fd = fd }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try FileDescriptorIO.writeAll(fd, bytes)
        } catch {
            throw CryptoError(.io, "writing output: \(error.reason)")
        }
    }

    package func finish() throws {
        if fd > 2, fsync(fd) != 0, errno != EINVAL {
            throw CryptoError(.io, "flushing output: \(String(cString: strerror(errno)))")
        }
    }
}
