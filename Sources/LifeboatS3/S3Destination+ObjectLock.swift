import Foundation
import LifeboatCore
import LifeboatDigest
import LifeboatStorage

/// Object Lock at the bucket: whether the bucket has it, what lock an object carries, and lengthening
/// that lock so a backup retention keeps never becomes deletable.
extension S3Destination {
    /// The headers a PUT of a body with this sha256 carries: the lock and its integrity check, or none.
    func lockHeaders(sha256Hex: String) -> [(String, String)] {
        guard let lock = settings.objectLock else { return [] }
        return lock.headers(now: now()) + S3ObjectLock.checksumHeaders(sha256Hex: sha256Hex)
    }

    /// True when the bucket has Object Lock enabled (GetObjectLockConfiguration); false when S3 says it
    /// has none. Other failures (unreachable, refused) are thrown.
    package func objectLockEnabled() async throws -> Bool {
        var body: [UInt8] = []
        do {
            try await send(request("GET", key: nil, query: [("object-lock", nil)]), what: "read object lock settings") {
                body.append(contentsOf: $0)
            }
        } catch let e as StorageError where e.message.contains("ObjectLockConfigurationNotFound") {
            return false
        }
        return S3XML.firstValue("ObjectLockEnabled", in: body) == "Enabled"
    }

    /// The lock an object (or one version of it) carries, from HEAD; nil when it carries none or is not there.
    package func retention(_ key: String, version: String? = nil) async throws -> S3Retention? {
        var query: [(String, String?)] = []
        if let version { query.append(("versionId", version)) }
        let response: S3HTTPResponse
        do {
            response = try await send(request("HEAD", key: key, query: query), what: "HEAD \(key)")
        } catch let e as StorageError where e.isNotFound {
            return nil
        }
        guard let mode = response.header("x-amz-object-lock-mode"),
            let text = response.header("x-amz-object-lock-retain-until-date")
        else { return nil }
        guard let until = S3ObjectLock.parseDate(text) else {
            throw StorageError(.permanent, destination: name, "HEAD \(key): unreadable lock date '\(text.prefix(64))'")
        }
        return S3Retention(mode: mode, until: until)
    }

    /// Sets an object's lock to `until` in the destination's mode (PutObjectRetention). S3 allows a lock
    /// to be lengthened only; callers never ask for less.
    package func extendRetention(_ key: String, until: Date, version: String? = nil) async throws {
        guard let lock = settings.objectLock else {
            throw StorageError(.permanent, destination: name, "extend lock of \(key): no object_lock configured")
        }
        let xml =
            "<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>\(lock.mode.rawValue)</Mode>"
            + "<RetainUntilDate>\(Timestamp.iso8601(until))</RetainUntilDate></Retention>"
        let bytes = Array(xml.utf8)
        let hash = Digest.hex(Digest.sha256(bytes))
        var query: [(String, String?)] = [("retention", nil)]
        if let version { query.append(("versionId", version)) }
        let r = try request(
            "PUT", key: key, query: query,
            headers: [("Content-Length", String(bytes.count))] + S3ObjectLock.checksumHeaders(sha256Hex: hash),
            body: .bytes(bytes), payloadHash: hash)
        try await send(r, what: "extend lock of \(key)")
    }
}
