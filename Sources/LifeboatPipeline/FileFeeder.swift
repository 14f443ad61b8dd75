import Foundation
import LifeboatCore

/// Streams a file into a sink in 1 MiB reads: how a fetched chunk enters the restore pipeline.
public enum FileFeeder {
    public static func feed(path: String, into sink: ByteSink) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LifeboatError.failed("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw LifeboatError.failed("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return }
            try buffer.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}
