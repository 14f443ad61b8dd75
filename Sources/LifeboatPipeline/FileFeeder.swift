import Foundation
import LifeboatCore

/// Streams a file into a sink in 1 MiB reads: how a fetched chunk enters the restore pipeline.
package enum FileFeeder {
    package static func feed(path: String, into sink: ByteSink) throws {
        let fd: Int32
        do {
            fd = try FileDescriptorIO.open(path, O_RDONLY | O_CLOEXEC)
        } catch {
            throw LifeboatError.failed("cannot open \(path): \(error.reason)")
        }
        defer { close(fd) }
        try FileDescriptorIO.forEachBlock(
            fd, readFailure: { LifeboatError.failed("cannot read \(path): \($0.reason)") }
        ) {
            try sink.write($0)
        }
    }
}
