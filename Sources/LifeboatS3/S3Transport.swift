import Foundation

/// One HTTP request as the S3 client builds it: already signed, with its body described, not loaded.
package struct S3HTTPRequest: Sendable {
    package enum Body: Sendable {
        case none
        case bytes([UInt8])
        /// `length` bytes of a file from `offset`, read as they are sent.
        case file(path: String, offset: Int64, length: Int64)

        package var length: Int64 {
            switch self {
            case .none: return 0
            case .bytes(let b): return Int64(b.count)
            case .file(_, _, let n): return n
            }
        }
    }

    package var method: String
    package var url: String
    package var headers: [(String, String)]
    package var body: Body

    package init(method: String, url: String, headers: [(String, String)], body: Body) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What came back: the status and headers; a successful body went to the caller's consumer, an
/// unsuccessful one (at most 64 KiB of it) is kept here for its error message.
package struct S3HTTPResponse: Sendable {
    package var status: Int
    package var headers: [(String, String)]
    package var errorBody: [UInt8]

    package init(status: Int, headers: [(String, String)], errorBody: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.errorBody = errorBody
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// A failure below HTTP: no connection, a reset, a timeout, a body cut short.
package struct S3TransportError: Error, Sendable, CustomStringConvertible {
    /// False when retrying cannot help (a certificate that does not verify, a malformed URL).
    package var retryable: Bool
    package var message: String

    package init(retryable: Bool, _ message: String) {
        self.retryable = retryable
        self.message = message
    }

    package var description: String { message }
}

/// The small seam between the S3 client and the network, so tests can script faults.
///
/// A 2xx body is streamed to `onBody` as it arrives; anything else is collected into the response.
package protocol S3Transport: Sendable {
    func send(_ request: S3HTTPRequest, onBody: (UnsafeRawBufferPointer) throws -> Void) async throws -> S3HTTPResponse
}
