import Foundation

/// One HTTP request as the S3 client builds it: already signed, with its body described, not loaded.
public struct S3HTTPRequest: Sendable {
    public enum Body: Sendable {
        case none
        case bytes([UInt8])
        /// `length` bytes of a file from `offset`, read as they are sent.
        case file(path: String, offset: Int64, length: Int64)

        public var length: Int64 {
            switch self {
            case .none: return 0
            case .bytes(let b): return Int64(b.count)
            case .file(_, _, let n): return n
            }
        }
    }

    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Body

    public init(method: String, url: String, headers: [(String, String)], body: Body) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What came back: the status and headers; a successful body went to the caller's consumer, an
/// unsuccessful one (at most 64 KiB of it) is kept here for its error message.
public struct S3HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var errorBody: [UInt8]

    public init(status: Int, headers: [(String, String)], errorBody: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.errorBody = errorBody
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// A failure below HTTP: no connection, a reset, a timeout, a body cut short.
public struct S3TransportError: Error, Sendable, CustomStringConvertible {
    /// False when retrying cannot help (a certificate that does not verify, a malformed URL).
    public var retryable: Bool
    public var message: String

    public init(retryable: Bool, _ message: String) {
        self.retryable = retryable
        self.message = message
    }

    public var description: String { message }
}

/// The small seam between the S3 client and the network, so tests can script faults.
///
/// A 2xx body is streamed to `onBody` as it arrives; anything else is collected into the response.
public protocol S3Transport: Sendable {
    func send(_ request: S3HTTPRequest, onBody: (UnsafeRawBufferPointer) throws -> Void) async throws -> S3HTTPResponse
}
