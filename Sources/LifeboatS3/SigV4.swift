import Foundation
import LifeboatDigest

/// Access keys for S3. The secret and the token never appear in `description`, so a logged value is safe.
package struct S3Credentials: Sendable, CustomStringConvertible {
    package var accessKeyID: String
    package var secretAccessKey: String
    package var sessionToken: String?

    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    package var description: String { "S3Credentials(\(accessKeyID), secret redacted)" }
}

/// AWS Signature Version 4, apart from any transport: canonical request, string to sign, signing key.
///
/// S3 does not normalize paths (`a//b/../c` is a key, not a path), so `normalizePath` is off for
/// S3 and on only for the published test suite's generic service.
package struct SigV4Signer: Sendable {
    package var credentials: S3Credentials
    package var region: String
    package var service: String
    package var normalizePath: Bool

    package init(credentials: S3Credentials, region: String, service: String = "s3", normalizePath: Bool = false) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizePath = normalizePath
    }

    /// A request as the signer sees it: path and query decoded, headers in the order given.
    package struct Request: Sendable {
        package var method: String
        /// The decoded path, starting with `/`.
        package var path: String
        /// Decoded query items; a nil value is a key without `=`.
        package var query: [(String, String?)]
        package var headers: [(String, String)]

        package init(method: String, path: String, query: [(String, String?)] = [], headers: [(String, String)] = []) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
        }
    }

    // MARK: the three steps

    package func canonicalRequest(_ r: Request, payloadHash: String) -> (request: String, signedHeaders: String) {
        let (headerBlock, signed) = Self.canonicalHeaders(r.headers)
        let text = [
            r.method, canonicalURI(r.path), Self.canonicalQuery(r.query), headerBlock, signed, payloadHash,
        ].joined(separator: "\n")
        return (text, signed)
    }

    package func scope(date: String) -> String {
        "\(date.prefix(8))/\(region)/\(service)/aws4_request"
    }

    package func stringToSign(canonicalRequest: String, amzDate: String) -> String {
        [
            "AWS4-HMAC-SHA256", amzDate, scope(date: amzDate),
            Digest.hex(Digest.sha256(canonicalRequest)),
        ].joined(separator: "\n")
    }

    package func signingKey(date: String) -> [UInt8] {
        let kDate = Digest.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), Array(date.prefix(8).utf8))
        let kRegion = Digest.hmacSHA256(key: kDate, Array(region.utf8))
        let kService = Digest.hmacSHA256(key: kRegion, Array(service.utf8))
        return Digest.hmacSHA256(key: kService, Array("aws4_request".utf8))
    }

    /// The Authorization header's value for a request whose headers already carry `X-Amz-Date`
    /// (and, for S3, `x-amz-content-sha256` and any session token).
    package func authorization(_ r: Request, payloadHash: String, amzDate: String) -> String {
        let (creq, signed) = canonicalRequest(r, payloadHash: payloadHash)
        let sts = stringToSign(canonicalRequest: creq, amzDate: amzDate)
        let signature = Digest.hex(Digest.hmacSHA256(key: signingKey(date: amzDate), Array(sts.utf8)))
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(date: amzDate)), "
            + "SignedHeaders=\(signed), Signature=\(signature)"
    }

    /// Adds x-amz-date, x-amz-content-sha256, the session token and Authorization to an S3 request.
    package func signS3(_ r: inout Request, payloadHash: String, now: Date) {
        let amzDate = Self.amzDate(now)
        r.headers.append(("x-amz-date", amzDate))
        r.headers.append(("x-amz-content-sha256", payloadHash))
        if let token = credentials.sessionToken { r.headers.append(("x-amz-security-token", token)) }
        let auth = authorization(r, payloadHash: payloadHash, amzDate: amzDate)
        r.headers.append(("Authorization", auth))
    }

    package static func amzDate(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    // MARK: canonical pieces

    func canonicalURI(_ path: String) -> String {
        var p = path.isEmpty ? "/" : path
        if normalizePath { p = Self.normalize(p) }
        return Self.encode(p, keepSlash: true)
    }

    /// RFC 3986 dot-segment removal and collapsing of empty segments, as the generic services do.
    static func normalize(_ path: String) -> String {
        var out: [Substring] = []
        for seg in path.split(separator: "/", omittingEmptySubsequences: true) {
            if seg == "." { continue }
            if seg == ".." {
                if !out.isEmpty { out.removeLast() }
                continue
            }
            out.append(seg)
        }
        var s = "/" + out.joined(separator: "/")
        if path.hasSuffix("/") && !out.isEmpty { s += "/" }
        return s
    }

    static func canonicalQuery(_ items: [(String, String?)]) -> String {
        items.map { (encode($0.0, keepSlash: false), encode($0.1 ?? "", keepSlash: false)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    static func canonicalHeaders(_ headers: [(String, String)]) -> (String, String) {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let key = name.lowercased()
            if values[key] == nil { order.append(key) }
            values[key, default: []].append(trimAll(value))
        }
        let names = order.sorted()
        let block = names.map { "\($0):\(values[$0, default: []].joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    /// Trims a header value and collapses runs of spaces to one.
    static func trimAll(_ value: String) -> String {
        var out = ""
        var lastSpace = false
        for ch in value.trimmingCharacters(in: .whitespaces) {
            if ch == " " || ch == "\t" {
                if !lastSpace { out.append(" ") }
                lastSpace = true
            } else {
                out.append(ch)
                lastSpace = false
            }
        }
        return out
    }

    /// URI-encodes every byte but the unreserved ones (A-Z a-z 0-9 - . _ ~), and `/` when asked.
    package static func encode(_ s: String, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let hex = Array("0123456789ABCDEF")
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(b)))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out.append("%")
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0f)])
            }
        }
        return out
    }
}
