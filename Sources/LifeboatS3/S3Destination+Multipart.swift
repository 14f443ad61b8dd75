import Foundation
import LifeboatCore
import LifeboatDigest
import LifeboatStorage

/// Large objects go up in parts (`multipart_threshold`, `part_size`), each part hashed once before
/// it is sent so the signature covers its body; a failed upload is aborted, not left to cost storage.
extension S3Destination {
    /// The sha256 of a file range, read once before the range is sent (so the signature covers the body).
    func hashFile(_ path: String, offset: Int64, length: Int64) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw StorageError(
                .permanent, destination: name, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var h = Digest.SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var done: Int64 = 0
        while done < length {
            let want = Int(min(Int64(buffer.count), length - done))
            let n = buffer.withUnsafeMutableBytes {
                (try? FileDescriptorIO.pread(
                    fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want]), at: offset + done)) ?? -1
            }
            guard n > 0 else { throw StorageError(.permanent, destination: name, "cannot read \(path): short read") }
            buffer.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            done += Int64(n)
        }
        return Digest.hex(h.finalize())
    }

    func putMultipart(_ key: String, path: String, size: Int64) async throws {
        var body: [UInt8] = []
        // The lock goes on the upload's start; each part is signed over its own sha256, which S3 takes as
        // the part's integrity check.
        let start = try request(
            "POST", key: key, query: [("uploads", nil)], headers: settings.objectLock?.headers(now: now()) ?? [])
        try await send(start, what: "start multipart upload of \(key)") {
            body.append(contentsOf: $0)
        }
        guard let uploadID = S3XML.firstValue("UploadId", in: body) else {
            throw StorageError(
                .transient, destination: name, "start multipart upload of \(key): no UploadId in the answer")
        }
        do {
            var etags: [String] = []
            var offset: Int64 = 0
            var number = 1
            while offset < size {
                let length = min(settings.partSize, size - offset)
                let hash = try hashFile(path, offset: offset, length: length)
                let partNumber = number
                let partOffset = offset
                let what = "PUT \(key) part \(partNumber)"
                let upload = {
                    let r = try request(
                        "PUT", key: key, query: [("partNumber", String(partNumber)), ("uploadId", uploadID)],
                        headers: [("Content-Length", String(length))],
                        body: .file(path: path, offset: partOffset, length: length), payloadHash: hash)
                    return try await send(r, what: what)
                }
                let response: S3HTTPResponse
                if let partRetrier {
                    do {
                        response = try await partRetrier.run(what, upload)
                    } catch let e as StorageError where e.kind == .transient {
                        // The part had its retries: a retry of the whole upload around us would repeat them all.
                        throw StorageError(.permanent, destination: name, e.message)
                    }
                } else {
                    response = try await upload()
                }
                guard let etag = response.header("ETag") else {
                    throw StorageError(.transient, destination: name, "\(what): no ETag in the answer")
                }
                etags.append(etag)
                offset += length
                number += 1
            }
            var xml = "<CompleteMultipartUpload>"
            for (i, e) in etags.enumerated() {
                xml += "<Part><PartNumber>\(i + 1)</PartNumber><ETag>\(S3XML.escape(e))</ETag></Part>"
            }
            xml += "</CompleteMultipartUpload>"
            let bytes = Array(xml.utf8)
            var answer: [UInt8] = []
            try await send(
                request(
                    "POST", key: key, query: [("uploadId", uploadID)],
                    headers: [("Content-Length", String(bytes.count))],
                    body: .bytes(bytes), payloadHash: Digest.hex(Digest.sha256(bytes))),
                what: "complete multipart upload of \(key)"
            ) { answer.append(contentsOf: $0) }
            // S3 may answer 200 and put the error in the body.
            let (code, message) = S3XML.errorCodeAndMessage(answer)
            if let code {
                throw StorageError(
                    Self.classify(status: 500, code: code) == .transient ? .transient : .permanent, destination: name,
                    "complete multipart upload of \(key): \(code): \(message ?? "")")
            }
        } catch {
            // Abort so no unfinished upload is left behind, then report the first error.
            if let abort = try? request("DELETE", key: key, query: [("uploadId", uploadID)]) {
                _ = try? await send(abort, what: "abort multipart upload of \(key)")
            }
            throw error
        }
    }
}
