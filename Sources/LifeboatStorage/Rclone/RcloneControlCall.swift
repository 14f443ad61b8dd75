import Foundation
import LifeboatCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One call to rclone's remote-control API over its private unix socket: an HTTP/1.0 POST of a JSON
/// object (so the answer ends when the daemon closes the connection, with no chunked encoding to undo),
/// its answer read up to a bound and checked before anything in it is used. The daemon is another
/// program talking to a remote server, so its answer is hostile until checked: a status line, a
/// `Content-Length` that matches the body when there is one, a JSON object, an `error` field on failure.
package struct RcloneControlCall: Sendable {
    /// The socket `rclone rcd` listens on.
    package let socket: String
    /// `Authorization` header value (`Basic ...`).
    let authorization: String

    package init(socket: String, user: String, password: String) {
        self.socket = socket
        self.authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// The answers' bound when the caller gives none: a stat, a copy, a delete answer fits in far less.
    package static let defaultLimit = 1 << 20

    /// Calls `method` (such as `operations/copyfile`) with `parameters` and decodes the JSON object it
    /// answered with as `T`. Cancelling the task breaks the connection.
    package func call<T: Decodable>(
        _ method: String, _ parameters: [String: Any], as type: T.Type, limit: Int = defaultLimit
    ) async throws(RcloneControlError) -> T {
        let body = try await call(method, parameters, limit: limit)
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw RcloneControlError(.malformed, "\(method): rclone's answer: \(RcloneListing.reason(error))")
        }
    }

    /// Calls `method` and returns the body of its successful answer (a JSON object).
    package func call(_ method: String, _ parameters: [String: Any], limit: Int = defaultLimit)
        async throws(RcloneControlError) -> Data
    {
        let body: Data
        do {
            body = try JSONSerialization.data(withJSONObject: parameters, options: [.sortedKeys])
        } catch {
            throw RcloneControlError(.malformed, "\(method): cannot encode the call's parameters")
        }
        let request =
            Array(
                ("POST /\(method) HTTP/1.0\r\nHost: rclone\r\nAuthorization: \(authorization)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n").utf8)
            + [UInt8](body)
        let raw = try await exchange(method, request, limit: limit)
        return try Self.parse(raw, method: method, limit: limit)
    }

    /// Sends `request`, reads the answer to its end (at most `limit` bytes of body plus its headers).
    func exchange(_ method: String, _ request: [UInt8], limit: Int) async throws(RcloneControlError) -> [UInt8] {
        if Task.isCancelled { throw RcloneControlError(.unreachable, "\(method): cancelled") }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw RcloneControlError(.unreachable, "\(method): cannot make a socket: \(SystemCallError(errno).reason)")
        }
        let open = Mutex(true)
        defer {
            open.withLock { $0 = false }
            close(fd)
        }
        let socket = self.socket
        let result: Result<[UInt8], RcloneControlError>
        do {
            result = try await withTaskCancellationHandler {
                try await BlockingWork.run { () -> Result<[UInt8], RcloneControlError> in
                    Self.blockingExchange(fd: fd, socket: socket, method: method, request: request, limit: limit)
                }
            } onCancel: {
                open.withLock { if $0 { _ = shutdown(fd, Int32(SHUT_RDWR)) } }
            }
        } catch {
            throw RcloneControlError(.unreachable, "\(method): \(error)")
        }
        if Task.isCancelled { throw RcloneControlError(.unreachable, "\(method): cancelled") }
        return try result.get()
    }

    static func blockingExchange(fd: Int32, socket: String, method: String, request: [UInt8], limit: Int)
        -> Result<[UInt8], RcloneControlError>
    {
        guard connect(fd, to: socket) else {
            return .failure(
                RcloneControlError(.unreachable, "\(method): cannot reach rclone rcd: \(SystemCallError(errno).reason)")
            )
        }
        let sent = request.withUnsafeBytes { bytes in
            Result { () throws(SystemCallError) in try FileDescriptorIO.writeAll(fd, bytes) }
        }
        if case .failure(let error) = sent {
            return .failure(RcloneControlError(.unreachable, "\(method): sending to rclone rcd: \(error.reason)"))
        }
        // Headers are a few hundred bytes; allow them 64 KiB over the body's bound.
        let most = limit + 64 << 10
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let got = buffer.withUnsafeMutableBytes { raw in
                Result { () throws(SystemCallError) in try FileDescriptorIO.read(fd, into: raw) }
            }
            let n: Int
            switch got {
            case .success(let count): n = count
            case .failure(let error):
                return .failure(RcloneControlError(.unreachable, "\(method): reading rclone's answer: \(error.reason)"))
            }
            if n == 0 { break }
            answer.append(contentsOf: buffer[0..<n])
            if answer.count > most {
                return .failure(RcloneControlError(.malformed, "\(method): rclone's answer is over \(limit) bytes"))
            }
        }
        return .success(answer)
    }

    /// connect(2) to a unix socket path.
    static func connect(_ fd: Int32, to path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            errno = ENAMETOOLONG
            return false
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let size = socklen_t(MemoryLayout<sockaddr_un>.size)
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                SystemCall.retryingInterrupts { Glibc.connect(fd, address, size) }
            }
        }
        return status == 0
    }

    /// Checks a whole HTTP answer and returns its body (a JSON object), or throws what rclone said went wrong.
    package static func parse(_ raw: [UInt8], method: String, limit: Int = defaultLimit) throws(RcloneControlError)
        -> Data
    {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = raw.firstRange(of: separator) else {
            throw RcloneControlError(
                raw.isEmpty ? .unreachable : .malformed,
                raw.isEmpty
                    ? "\(method): rclone rcd closed the connection without answering"
                    : "\(method): rclone's answer has no end of headers")
        }
        let head = String(decoding: raw[..<end.lowerBound], as: UTF8.self)
        let body = Array(raw[end.upperBound...])
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let status = try Self.status(lines, method: method)
        guard body.count <= limit else {
            throw RcloneControlError(.malformed, "\(method): rclone's answer is over \(limit) bytes")
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            guard line[..<colon].lowercased() == "content-length" else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard let length = Int(value), length == body.count else {
                throw RcloneControlError(
                    .unreachable, "\(method): rclone's answer ended after \(body.count) of \(printable(value)) bytes")
            }
        }
        let data = Data(body)
        guard status == 200 else {
            let said = (try? JSONDecoder().decode(ErrorAnswer.self, from: data))?.error.map { ": " + printable($0) }
            let unknown = status == 404 && (said ?? "").contains("couldn't find method")
            throw RcloneControlError(
                unknown ? .unknownMethod : .status(status), "\(method): rclone answered HTTP \(status)\(said ?? "")")
        }
        // The caller decodes it into what the method answers; here only that it is an object at all.
        guard body.first(where: { ![9, 10, 13, 32].contains($0) }) == UInt8(ascii: "{") else {
            throw RcloneControlError(.malformed, "\(method): rclone's answer is not a JSON object")
        }
        return data
    }

    /// The status of an answer whose head is `lines`: its first line must be an HTTP/1.x status line.
    static func status(_ lines: [Substring], method: String) throws(RcloneControlError) -> Int {
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]),
            (100...599).contains(status)
        else {
            throw RcloneControlError(
                .malformed, "\(method): rclone's answer has no HTTP status line: \(printable(lines.first ?? ""))")
        }
        return status
    }

    /// What rclone answers with an error status: `{"error": "...", "status": N, "input": ..., "path": ...}`.
    struct ErrorAnswer: Decodable {
        var error: String?
    }

    /// Text from the daemon made safe for one log line: printable, at most 300 characters.
    static func printable(_ text: some StringProtocol) -> String {
        let s = TerminalText.printable(String(text).replacingOccurrences(of: "\n", with: " "))
        return s.count > 300 ? String(s.prefix(300)) + "..." : s
    }
}
