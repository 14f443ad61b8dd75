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
        let readFailure = { (e: SystemCallError) in LifeboatError.failed("cannot read \(path): \(e.reason)") }
        try FileDescriptorIO.forEachBlock(fd, readFailure: readFailure) { try sink.write($0) }
    }
}
