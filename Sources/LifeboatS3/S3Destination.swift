import Foundation
import LifeboatCore
import LifeboatDigest
import LifeboatStorage

/// An S3-compatible bucket as a `Destination`: SigV4-signed requests carrying the payload's real
/// sha256, PUT or multipart upload (each part retried on its own, an unfinished upload aborted),
/// ranged GET, ListObjectsV2 with continuation, DELETE, HEAD.
package struct S3Destination: Destination {
    package let name: String
    package let settings: S3Settings
    let signer: SigV4Signer
    let transport: S3Transport
    /// Retries single parts of a multipart upload; whole operations are retried by a wrapper.
    let partRetrier: Retrier?
    let now: @Sendable () -> Date

    let scheme: String
    let hostPort: String
    let basePath: String

    package init(
        name: String, settings: S3Settings, credentials: S3Credentials, transport: S3Transport = HTTPClientTransport(),
        partRetrier: Retrier? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.name = name
        self.settings = settings
        signer = SigV4Signer(credentials: credentials, region: settings.region, service: "s3")
        self.transport = transport
        self.partRetrier = partRetrier
        self.now = now
        guard let url = URLComponents(string: settings.endpoint), let scheme = url.scheme, let host = url.host,
            scheme == "http" || scheme == "https"
        else {
            throw StorageError(
                .permanent, destination: name, "endpoint '\(settings.endpoint)' is not an http or https URL")
        }
        self.scheme = scheme
        hostPort = url.port.map { "\(host):\($0)" } ?? host
        var base = url.path
        while base.hasSuffix("/") { base.removeLast() }
        basePath = base
    }

    // MARK: requests

    /// The decoded path of an object (or of the bucket when `key` is nil) and the Host header.
    func target(_ key: String?) -> (path: String, host: String) {
        let objectPart = key.map { "/" + settings.prefix + $0 } ?? "/"
        if settings.virtualHosted {
            return (basePath + objectPart, "\(settings.bucket).\(hostPort)")
        }
        return (basePath + "/" + settings.bucket + (key == nil ? "" : objectPart), hostPort)
    }

    func request(
        _ method: String, key: String?, query: [(String, String?)] = [], headers extra: [(String, String)] = [],
        body: S3HTTPRequest.Body = .none, payloadHash: String = Digest.emptySHA256
    ) throws -> S3HTTPRequest {
        if let key { try ObjectKey.check(key, destination: name) }
        let (path, host) = target(key)
        var r = SigV4Signer.Request(method: method, path: path, query: query, headers: [("Host", host)] + extra)
        signer.signS3(&r, payloadHash: payloadHash, now: now())
        var url = "\(scheme)://\(host)\(SigV4Signer.encode(path, keepSlash: true))"
        if !query.isEmpty {
            url +=
                "?"
                + query.map { k, v in
                    SigV4Signer.encode(k, keepSlash: false)
                        + (v.map { "=" + SigV4Signer.encode($0, keepSlash: false) } ?? "")
                }.joined(separator: "&")
        }
        return S3HTTPRequest(method: method, url: url, headers: r.headers, body: body)
    }

    /// Sends a request; a non-2xx answer becomes a `StorageError` of the right kind with the server's message.
    @discardableResult
    func send(
        _ r: S3HTTPRequest, what: String, onBody: (UnsafeRawBufferPointer) throws -> Void = { _ in }
    ) async throws -> S3HTTPResponse {
        let response: S3HTTPResponse
        do {
            response = try await transport.send(r, onBody: onBody)
        } catch let e as S3TransportError {
            throw StorageError(e.retryable ? .transient : .permanent, destination: name, "\(what): \(e.message)")
        } catch let e as StorageError {
            throw e
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The consumer threw (a full disk while restoring, say): not the server's fault.
            throw StorageError(.permanent, destination: name, "\(what): \(error)")
        }
        if (200..<300).contains(response.status) { return response }
        throw Self.error(response, destination: name, what: what)
    }

    static func error(_ r: S3HTTPResponse, destination: String, what: String) -> StorageError {
        let (code, message) = S3XML.errorCodeAndMessage(r.errorBody)
        var text = "\(what): \(r.status)"
        if let code { text += " \(code)" }
        if let message, !message.isEmpty { text += ": \(message)" }
        return StorageError(classify(status: r.status, code: code), destination: destination, text)
    }

    /// What a retry can fix: 5xx, 429, SlowDown and RequestTimeout. 404 NoSuchKey is not-found;
    /// everything else (403, other 4xx, a missing bucket) is permanent.
    package static func classify(status: Int, code: String?) -> StorageError.Kind {
        switch status {
        case 404 where code == nil || code == "NoSuchKey" || code == "NotFound":
            return .notFound
        case 429, 500...599:
            return .transient
        default:
            if let code,
                [
                    "SlowDown", "RequestTimeout", "Throttling", "ThrottlingException", "InternalError",
                    "ServiceUnavailable", "RequestLimitExceeded",
                ].contains(code)
            {
                return .transient
            }
            return .permanent
        }
    }

    // MARK: Destination

    package func put(_ key: String, bytes: [UInt8]) async throws {
        let hash = Digest.hex(Digest.sha256(bytes))
        let r = try request(
            "PUT", key: key, headers: [("Content-Length", String(bytes.count))] + lockHeaders(sha256Hex: hash),
            body: .bytes(bytes), payloadHash: hash)
        try await send(r, what: "PUT \(key)")
    }

    /// The fields go as `x-amz-meta-<name>` headers, signed with the request; S3 keeps at most 2 KiB of them.
    package func put(_ key: String, bytes: [UInt8], metadata: [String: String]) async throws {
        let hash = Digest.hex(Digest.sha256(bytes))
        let fields = metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key.lowercased())", $0.value) }
        let r = try request(
            "PUT", key: key, headers: [("Content-Length", String(bytes.count))] + lockHeaders(sha256Hex: hash) + fields,
            body: .bytes(bytes),
            payloadHash: hash)
        try await send(r, what: "PUT \(key)")
    }

    package func put(_ key: String, fromFile path: String) async throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw StorageError(
                .permanent, destination: name, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let size = Int64(st.st_size)
        if size > settings.multipartThreshold {
            try await putMultipart(key, path: path, size: size)
            return
        }
        let hash = try hashFile(path, offset: 0, length: size)
        let r = try request(
            "PUT", key: key, headers: [("Content-Length", String(size))] + lockHeaders(sha256Hex: hash),
            body: .file(path: path, offset: 0, length: size),
            payloadHash: hash)
        try await send(r, what: "PUT \(key)")
    }

    /// The known sha256 signs the request (`x-amz-content-sha256`) and goes as `x-amz-checksum-sha256`: S3
    /// hashes the body as it arrives and refuses one that does not match, so a file changed since its
    /// hash was checked never lands. Above `multipartThreshold` each part is hashed on its own, as always.
    package func put(_ key: String, fromFile path: String, sha256: String) async throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw StorageError(
                .permanent, destination: name, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let size = Int64(st.st_size)
        let hash = sha256.lowercased()
        guard size <= settings.multipartThreshold, hash.utf8.count == 64,
            hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            try await put(key, fromFile: path)
            return
        }
        let checks = settings.objectLock == nil ? S3ObjectLock.checksumHeaders(sha256Hex: hash) : []
        let r = try request(
            "PUT", key: key, headers: [("Content-Length", String(size))] + lockHeaders(sha256Hex: hash) + checks,
            body: .file(path: path, offset: 0, length: size),
            payloadHash: hash)
        try await send(r, what: "PUT \(key)")
    }

    @discardableResult
    package func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws
        -> Int64
    {
        let headers = offset > 0 ? [("Range", "bytes=\(offset)-")] : []
        var total: Int64 = 0
        do {
            try await send(request("GET", key: key, headers: headers), what: "GET \(key)") { bytes in
                total += Int64(bytes.count)
                try consumer(bytes)
            }
            return total
        } catch let e as StorageError where offset > 0 && e.message.contains(": 416") {
            // Asked from the very end: nothing left to read.
            if let size = try await size(key), size == offset { return 0 }
            throw e
        }
    }

    /// The `x-amz-meta-*` headers of the answer, by the name after the prefix (lowercase).
    package func readWithMetadata(
        _ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> [String: String] {
        let headers = offset > 0 ? [("Range", "bytes=\(offset)-")] : []
        let response = try await send(request("GET", key: key, headers: headers), what: "GET \(key)") { bytes in
            try consumer(bytes)
        }
        return Self.metadata(of: response)
    }

    /// User metadata from an answer's headers; names and values are the server's, so only printable
    /// ASCII of bounded length is kept.
    static func metadata(of response: S3HTTPResponse) -> [String: String] {
        let prefix = "x-amz-meta-"
        var out: [String: String] = [:]
        for (name, value) in response.headers {
            let lower = name.lowercased()
            guard lower.hasPrefix(prefix), lower.count <= 128, value.utf8.count <= 2048,
                value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f })
            else { continue }
            out[String(lower.dropFirst(prefix.count))] = value
        }
        return out
    }

    package func size(_ key: String) async throws -> Int64? {
        do {
            let response = try await send(request("HEAD", key: key), what: "HEAD \(key)")
            guard let length = response.header("Content-Length").flatMap({ Int64($0) }) else {
                throw StorageError(.transient, destination: name, "HEAD \(key): no Content-Length in the answer")
            }
            return length
        } catch let e as StorageError where e.isNotFound {
            return nil
        } catch let e as StorageError where e.isPermanent {
            throw await explained(e, key: key)
        }
    }

    /// A HEAD answer has no body, so a refusal (403) carries no message: ask again with a one-byte GET,
    /// whose answer says why, and report that.
    func explained(_ e: StorageError, key: String) async -> StorageError {
        do {
            try await send(request("GET", key: key, headers: [("Range", "bytes=0-0")]), what: "HEAD \(key)")
            return e
        } catch let better as StorageError where better.kind == e.kind {
            return better
        } catch {
            return e
        }
    }

    /// A listing longer than this is taken as a hostile or broken server.
    static let maximumListed = 50_000_000

    package func list(prefix: String) async throws -> [String] {
        var keys: [String] = []
        try await listPages(prefix: prefix, delimited: false) { page in
            for k in page.keys where k.hasPrefix(settings.prefix) {
                keys.append(String(k.dropFirst(settings.prefix.count)))
            }
            return keys.count
        }
        return keys
    }

    /// One ListObjectsV2 walk with `delimiter=/`: the folders directly under `prefix`, one request per
    /// page of 1,000 however many objects lie below them.
    package func listFolders(prefix: String) async throws -> [String] {
        guard prefix.isEmpty || prefix.hasSuffix("/") else {
            throw StorageError(.permanent, destination: name, "list \(prefix): a folder prefix must end with /")
        }
        let full = settings.prefix + prefix
        var folders: [String] = []
        try await listPages(prefix: prefix, delimited: true) { page in
            for f in page.folders where f.hasPrefix(full) && f.hasSuffix("/") {
                let name = f.dropFirst(full.count).dropLast()
                if !name.isEmpty, !name.contains("/") { folders.append(String(name)) }
            }
            return folders.count
        }
        return folders
    }

    /// Walks a ListObjectsV2 listing page by page; `take` reads a page and returns how many names it
    /// has gathered so far. A server that answers "truncated" with the same token, or forever, must not
    /// hold the reader.
    func listPages(prefix: String, delimited: Bool, take: (S3XML.ListPage) throws -> Int) async throws {
        var token: String?
        repeat {
            var query: [(String, String?)] = [("list-type", "2"), ("prefix", settings.prefix + prefix)]
            if delimited { query.append(("delimiter", "/")) }
            if let token { query.append(("continuation-token", token)) }
            if let n = settings.listPageSize { query.append(("max-keys", String(n))) }
            var body: [UInt8] = []
            try await send(request("GET", key: nil, query: query), what: "list \(prefix)") {
                body.append(contentsOf: $0)
            }
            let page = S3XML.listPage(body)
            let gathered = try take(page)
            let next = page.truncated ? page.nextToken : nil
            if let next, next == token || gathered > Self.maximumListed {
                throw StorageError(.permanent, destination: name, "list \(prefix): the server's listing does not end")
            }
            token = next
        } while token != nil
    }

    package func remove(_ key: String) async throws {
        do {
            try await send(request("DELETE", key: key), what: "DELETE \(key)")
        } catch let e as StorageError where e.isNotFound {
            return
        }
    }

    /// Makes the bucket (for tests and first set-up), with Object Lock (and so versioning) when asked;
    /// an existing bucket of ours is fine.
    package func createBucket(objectLock: Bool = false) async throws {
        let headers = objectLock ? [("x-amz-bucket-object-lock-enabled", "true")] : []
        do {
            try await send(request("PUT", key: nil, headers: headers), what: "create bucket \(settings.bucket)")
        } catch let e as StorageError where e.message.contains("BucketAlreadyOwnedByYou") {
            return
        }
    }

    /// Names unfinished multipart uploads under the prefix (for tests and clean-up).
    package func unfinishedUploads() async throws -> [String] {
        var body: [UInt8] = []
        try await send(request("GET", key: nil, query: [("uploads", nil)]), what: "list multipart uploads") {
            body.append(contentsOf: $0)
        }
        return S3XML.values("Key", in: body).filter { $0.hasPrefix(settings.prefix) }
    }
}
