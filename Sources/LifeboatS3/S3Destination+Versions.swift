import Foundation
import LifeboatStorage

/// A versioned bucket's history: ListObjectVersions of one key, GET and DELETE of one version. What
/// lets `restore`, `verify` and `rebuild-catalog` read an object an attacker's DELETE only hid.
extension S3Destination: VersionHistory {
    /// Pages past this for one key are taken as a server whose listing does not end.
    static let maximumVersionPages = 100

    package func versions(of key: String) async throws -> [ObjectVersion] {
        let full = settings.prefix + key
        var out: [ObjectVersion] = []
        var keyMarker: String?
        var versionMarker: String?
        for _ in 0..<Self.maximumVersionPages {
            var query: [(String, String?)] = [("versions", nil), ("prefix", full)]
            if let keyMarker { query.append(("key-marker", keyMarker)) }
            if let versionMarker { query.append(("version-id-marker", versionMarker)) }
            var body: [UInt8] = []
            try await send(request("GET", key: nil, query: query), what: "list versions of \(key)") {
                body.append(contentsOf: $0)
            }
            let page: S3VersionsXML.Page
            do {
                page = try S3VersionsXML.page(body)
            } catch let e as S3VersionsXML.Malformed {
                throw StorageError(.permanent, destination: name, "list versions of \(key): \(e)")
            }
            // The prefix also matches longer keys (`data.000001` and `data.0000010`): keep the exact one.
            out += page.entries.filter { $0.key == full }.map(\.version)
            guard page.truncated else { return ObjectVersion.newestFirst(out) }
            if page.nextKeyMarker == keyMarker && page.nextVersionMarker == versionMarker {
                break
            }
            (keyMarker, versionMarker) = (page.nextKeyMarker, page.nextVersionMarker)
            if let k = keyMarker, k > full { return ObjectVersion.newestFirst(out) }
        }
        throw StorageError(.permanent, destination: name, "list versions of \(key): the server's listing does not end")
    }

    package func recoverableKeys(prefix: String) async throws -> [String] {
        let full = settings.prefix + prefix
        var keys = Set<String>()
        var keyMarker: String?
        var versionMarker: String?
        var seen = 0
        while true {
            var query: [(String, String?)] = [("versions", nil), ("prefix", full)]
            if let keyMarker { query.append(("key-marker", keyMarker)) }
            if let versionMarker { query.append(("version-id-marker", versionMarker)) }
            var body: [UInt8] = []
            try await send(request("GET", key: nil, query: query), what: "list versions under \(prefix)") {
                body.append(contentsOf: $0)
            }
            let page: S3VersionsXML.Page
            do {
                page = try S3VersionsXML.page(body)
            } catch let e as S3VersionsXML.Malformed {
                throw StorageError(.permanent, destination: name, "list versions under \(prefix): \(e)")
            }
            for (key, version) in page.entries where !version.isDeleteMarker && key.hasPrefix(full) {
                keys.insert(String(key.dropFirst(settings.prefix.count)))
            }
            seen += page.entries.count
            guard page.truncated else { return Array(keys) }
            if (page.nextKeyMarker == keyMarker && page.nextVersionMarker == versionMarker) || seen > Self.maximumListed
            {
                throw StorageError(
                    .permanent, destination: name, "list versions under \(prefix): the server's listing does not end")
            }
            (keyMarker, versionMarker) = (page.nextKeyMarker, page.nextVersionMarker)
        }
    }

    @discardableResult
    package func read(
        _ key: String, version: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> Int64 {
        let headers = offset > 0 ? [("Range", "bytes=\(offset)-")] : []
        var total: Int64 = 0
        try await send(
            request("GET", key: key, query: [("versionId", version)], headers: headers), what: "GET \(key) (\(version))"
        ) { bytes in
            total += Int64(bytes.count)
            try consumer(bytes)
        }
        return total
    }

    package func removeVersion(_ key: String, version: String) async throws {
        do {
            try await send(
                request("DELETE", key: key, query: [("versionId", version)]), what: "DELETE \(key) (\(version))")
        } catch let e as StorageError where e.isNotFound {
            return
        }
    }
}
