import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The real transport: AsyncHTTPClient, certificates verified, redirects refused, an idle-read
/// timeout that catches a stalled server, and files streamed from disk in 1 MiB reads.
package struct HTTPClientTransport: S3Transport {
    package struct Timeouts: Sendable, Hashable {
        package var connect: Duration
        /// How long the server may stay silent before the request is abandoned.
        package var idle: Duration

        package init(connect: Duration = .seconds(10), idle: Duration = .seconds(60)) {
            self.connect = connect
            self.idle = idle
        }
    }

    let client: HTTPClient
    let timeouts: Timeouts

    package init(timeouts: Timeouts = Timeouts()) {
        self.timeouts = timeouts
        client = ClientPool.client(for: timeouts)
    }

    package func send(_ request: S3HTTPRequest, onBody: (UnsafeRawBufferPointer) throws -> Void) async throws
        -> S3HTTPResponse
    {
        var r = HTTPClientRequest(url: request.url)
        r.method = HTTPMethod(rawValue: request.method)
        for (k, v) in request.headers { r.headers.add(name: k, value: v) }
        switch request.body {
        case .none:
            if request.method == "PUT" || request.method == "POST" { r.body = .bytes(ByteBuffer()) }
        case .bytes(let b):
            r.body = .bytes(b)
        case .file(let path, let offset, let length):
            r.body = .stream(FileChunks(path: path, offset: offset, length: length), length: .known(length))
        }
        do {
            // The deadline is a backstop only: stalls are caught by the idle timeout.
            let response = try await client.execute(r, timeout: .hours(6))
            let status = Int(response.status.code)
            let headers = response.headers.map { ($0.name, $0.value) }
            if (200..<300).contains(status) {
                for try await buffer in response.body {
                    try buffer.withUnsafeReadableBytes { try onBody($0) }
                }
                return S3HTTPResponse(status: status, headers: headers)
            }
            var collected: [UInt8] = []
            for try await buffer in response.body where collected.count < 65_536 {
                collected.append(contentsOf: buffer.readableBytesView.prefix(65_536 - collected.count))
            }
            return S3HTTPResponse(status: status, headers: headers, errorBody: collected)
        } catch let e as FileChunks.ReadError {
            throw S3TransportError(retryable: false, e.message)
        } catch let e as S3TransportError {
            throw e
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw Self.classify(error)
        }
    }

    static func classify(_ error: Error) -> S3TransportError {
        let text = String(describing: error)
        let lower = text.lowercased()
        if lower.contains("certificate") || lower.contains("handshakefailed") || lower.contains("invalidurl")
            || lower.contains("emptyhost") || lower.contains("unsupportedscheme")
        {
            return S3TransportError(retryable: false, "request refused before it was sent: \(text)")
        }
        return S3TransportError(retryable: true, "connection failed: \(text)")
    }
}

/// One HTTPClient per timeout setting, for the life of the process.
enum ClientPool {
    static let clients = Mutex<[HTTPClientTransport.Timeouts: HTTPClient]>([:])

    static func client(for t: HTTPClientTransport.Timeouts) -> HTTPClient {
        clients.withLock { clients in
            if let c = clients[t] { return c }
            let c = make(t)
            clients[t] = c
            return c
        }
    }

    private static func make(_ t: HTTPClientTransport.Timeouts) -> HTTPClient {
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.timeout = .init(
            connect: .nanoseconds(Int64(t.connect.nanoseconds)), read: .nanoseconds(Int64(t.idle.nanoseconds)))
        config.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        config.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}

/// A file range read in 1 MiB pieces as the upload asks for them.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let offset: Int64
    let length: Int64

    struct ReadError: Error { let message: String }

    struct AsyncIterator: AsyncIteratorProtocol {
        let path: String
        var fd: Int32 = -1
        var position: Int64
        let end: Int64

        mutating func next() async throws -> ByteBuffer? {
            if position >= end {
                if fd >= 0 {
                    close(fd)
                    fd = -1
                }
                return nil
            }
            if fd < 0 {
                fd = open(path, O_RDONLY | O_CLOEXEC)
                if fd < 0 { throw ReadError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
            }
            let want = Int(Swift.min(Int64(1 << 20), end - position))
            var buffer = ByteBufferAllocator().buffer(capacity: want)
            let fdCopy = fd
            let pos = position
            let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) { p in
                let r = pread(fdCopy, p.baseAddress, want, off_t(pos))
                return Swift.max(r, 0)
            }
            if n <= 0 {
                close(fd)
                fd = -1
                throw ReadError(message: "cannot read \(path): it is shorter than expected")
            }
            position += Int64(n)
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(path: path, position: offset, end: offset + length)
    }
}
