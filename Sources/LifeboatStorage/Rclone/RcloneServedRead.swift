import Foundation
import LifeboatCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A read of one object through the long-lived `rclone rcd` (started with `--rc-serve`): an HTTP/1.0
/// `GET /[remote]/key` on its private socket, from a byte on with a `Range`, its body streamed to the
/// caller in blocks. It replaces an `rclone cat` process per read (its start-up and a fresh SSH
/// handshake or TLS session). The answer is hostile until checked: a status line, a `Content-Length`
/// that the body must reach exactly (a body cut short is a transient failure, never a short object),
/// and for a ranged read a `Content-Range` that starts at the byte asked for.
package final class RcloneServedRead: Sendable {
    private let fd: Int32
    private let open = Mutex(true)
    private let method: String

    /// The request for `key` under the rclone path `fs`, from byte `offset` on. nil when `fs` cannot be
    /// put in the URL (a `]` ends the bracketed remote there).
    package static func request(fs: String, key: String, offset: Int64, authorization: String) -> [UInt8]? {
        guard !fs.contains("]") else { return nil }
        var head = "GET /" + percentEncoded("[" + fs + "]/" + key) + " HTTP/1.0\r\nHost: rclone\r\n"
        head += "Authorization: \(authorization)\r\n"
        if offset > 0 { head += "Range: bytes=\(offset)-\r\n" }
        return Array((head + "\r\n").utf8)
    }

    /// Every byte but the unreserved ones, `/`, `[`, `]` and `:` percent-encoded.
    static func percentEncoded(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"):
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    /// The parts of an answer's head that matter here.
    package struct Head: Sendable, Equatable {
        package var status: Int
        package var contentLength: Int64?
        /// The first byte of a `Content-Range: bytes A-B/N`.
        package var rangeStart: Int64?
    }

    /// Parses an answer's head (the bytes before the blank line).
    package static func parseHead(_ raw: some Collection<UInt8>, method: String) throws(RcloneControlError) -> Head {
        let text = String(decoding: raw, as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        let status = try RcloneControlCall.status(lines, method: method)
        var head = Head(status: status, contentLength: nil, rangeStart: nil)
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" {
                guard let n = Int64(value), n >= 0 else {
                    throw RcloneControlError(
                        .malformed, "\(method): rclone's Content-Length \(RcloneControlCall.printable(value))")
                }
                head.contentLength = n
            } else if name == "content-range" {
                guard value.hasPrefix("bytes "), let dash = value.firstIndex(of: "-"),
                    let start = Int64(value[value.index(value.startIndex, offsetBy: 6)..<dash]), start >= 0
                else {
                    throw RcloneControlError(
                        .malformed, "\(method): rclone's Content-Range \(RcloneControlCall.printable(value))")
                }
                head.rangeStart = start
            }
        }
        return head
    }

    private init(fd: Int32, method: String) {
        self.fd = fd
        self.method = method
    }

    /// Reads `key` from `offset` on, handing its body to `consumer` in blocks; returns the bytes handed.
    /// A missing object is `.status(404)`; an answer cut short is `.unreachable`.
    package static func read(
        _ call: RcloneControlCall, fs: String, key: String, offset: Int64,
        consumer: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> Int64 {
        let method = "read \(key)"
        guard let request = request(fs: fs, key: key, offset: offset, authorization: call.authorization) else {
            throw RcloneControlError(.malformed, "\(method): the remote cannot be named in a URL")
        }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw RcloneControlError(.unreachable, "\(method): cannot make a socket: \(SystemCallError(errno).reason)")
        }
        let reader = RcloneServedRead(fd: fd, method: method)
        defer { reader.close() }
        return try await withTaskCancellationHandler {
            try await reader.run(request, socket: call.socket, offset: offset, consumer: consumer)
        } onCancel: {
            reader.shutdown()
        }
    }

    private func run(
        _ request: [UInt8], socket: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> Int64 {
        let fd = self.fd
        let method = self.method
        // Connect, send, and read up to the end of the head (and whatever of the body came with it).
        let first: Result<(head: [UInt8], rest: [UInt8]), RcloneControlError> = try await BlockingWork.run {
            guard RcloneControlCall.connect(fd, to: socket) else {
                return .failure(
                    RcloneControlError(
                        .unreachable, "\(method): cannot reach rclone rcd: \(SystemCallError(errno).reason)"))
            }
            do {
                try request.withUnsafeBytes { try FileDescriptorIO.writeAll(fd, $0) }
                var got: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 64 << 10)
                let separator: [UInt8] = [13, 10, 13, 10]
                while true {
                    if let end = got.firstRange(of: separator) {
                        return .success((Array(got[..<end.lowerBound]), Array(got[end.upperBound...])))
                    }
                    guard got.count <= 64 << 10 else {
                        return .failure(RcloneControlError(.malformed, "\(method): rclone's answer head is too long"))
                    }
                    let n = try buffer.withUnsafeMutableBytes { try FileDescriptorIO.read(fd, into: $0) }
                    if n == 0 {
                        return .failure(
                            RcloneControlError(
                                .unreachable, "\(method): rclone rcd closed the connection without answering"))
                    }
                    got.append(contentsOf: buffer[0..<n])
                }
            } catch {
                let reason = (error as? SystemCallError)?.reason ?? "\(error)"
                return .failure(RcloneControlError(.unreachable, "\(method): talking to rclone rcd: \(reason)"))
            }
        }
        if Task.isCancelled { throw CancellationError() }
        let (rawHead, rest) = try first.get()
        let head = try Self.parseHead(rawHead, method: method)
        guard head.status == 200 || head.status == 206 else {
            // An error answer is a small JSON object; rclone says "object not found" for a missing one.
            var body = rest
            while body.count < 64 << 10, let more = try await nextBlock(), !more.isEmpty { body += more }
            let said = (try? JSONDecoder().decode(RcloneControlCall.ErrorAnswer.self, from: Data(body)))?.error
            let missing = (said ?? "").contains("object not found") || (said ?? "").contains("directory not found")
            throw RcloneControlError(
                .status(missing ? 404 : head.status),
                "\(method): rclone answered HTTP \(head.status)"
                    + (said.map { ": " + RcloneControlCall.printable($0) } ?? ""))
        }
        guard let length = head.contentLength else {
            throw RcloneControlError(.malformed, "\(method): rclone's answer has no Content-Length")
        }
        if offset > 0 {
            guard head.status == 206, head.rangeStart == offset else {
                throw RcloneControlError(.malformed, "\(method): rclone did not answer from byte \(offset)")
            }
        }
        var total: Int64 = 0
        func hand(_ block: [UInt8]) throws {
            guard total + Int64(block.count) <= length else {
                throw RcloneControlError(.malformed, "\(method): rclone sent more than its \(length) bytes")
            }
            try block.withUnsafeBytes { try consumer($0) }
            total += Int64(block.count)
        }
        if !rest.isEmpty { try hand(rest) }
        while total < length {
            guard let block = try await nextBlock(), !block.isEmpty else {
                throw RcloneControlError(
                    .unreachable, "\(method): rclone's answer ended after \(total) of \(length) bytes")
            }
            try hand(block)
        }
        return total
    }

    /// The next bytes of the answer; empty at its end.
    private func nextBlock() async throws -> [UInt8]? {
        let block: [UInt8]
        do {
            block = try await RcloneProcess.nextBlock(of: fd)
        } catch {
            throw RcloneControlError(.unreachable, "\(method): reading rclone's answer: \(error.reason)")
        }
        if Task.isCancelled { throw CancellationError() }
        return block
    }

    private func shutdown() {
        open.withLock { if $0 { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) } }
    }

    private func close() {
        open.withLock {
            $0 = false
            _ = Glibc.close(fd)
        }
    }
}
