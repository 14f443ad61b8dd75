import Foundation
import LifeboatCore

/// Streams a file into a sink in 1 MiB reads: how a fetched chunk enters the restore pipeline.
public enum FileFeeder {
    public static func feed(path: String, into sink: ByteSink) throws {
        let fd: Int32
        do {
            fd = try FileDescriptorIO.open(path, O_RDONLY | O_CLOEXEC)
        } catch {
            throw LifeboatError.failed("cannot open \(path): \(error.reason)")
        }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            do {
                n = try FileDescriptorIO.read(fd, into: buffer)
            } catch {
                throw LifeboatError.failed("cannot read \(path): \(error.reason)")
            }
            if n == 0 { return }
            try sink.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }
}
