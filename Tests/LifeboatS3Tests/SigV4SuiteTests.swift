import Foundation
import LifeboatDigest
import LifeboatS3
import Testing

/// Every case of the published AWS Signature Version 4 test suite: canonical request, string to sign
/// and Authorization header must match byte for byte.
@Suite struct SigV4SuiteTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/aws-sig-v4-test-suite").path

    static func cases() -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: root) else { return [] }
        while let rel = e.nextObject() as? String {
            if rel.hasSuffix(".req") { out.append(String(rel.dropLast(4))) }
        }
        return out.sorted()
    }

    static let signer = SigV4Signer(
        credentials: S3Credentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service", normalizePath: true)

    /// Parses a `.req` file: request line, headers (continuation lines are further values), body.
    static func parse(_ text: String) -> (SigV4Signer.Request, [UInt8]) {
        let lines = text.components(separatedBy: "\n")
        let first = lines[0]
        let method = String(first.prefix { $0 != " " })
        var target = String(first.dropFirst(method.count + 1))
        if let r = target.range(of: " HTTP/", options: .backwards) { target = String(target[..<r.lowerBound]) }
        let pathPart = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [(String, String?)] = []
        if pathPart.count > 1 {
            for item in pathPart[1].split(separator: "&") {
                let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let k = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                query.append((k, kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : nil))
            }
        }
        var headers: [(String, String)] = []
        var i = 1
        while i < lines.count, !lines[i].isEmpty {
            let line = lines[i]
            if line.first == " " || line.first == "\t", let last = headers.last {
                headers.append((last.0, line))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
            i += 1
        }
        let body = i < lines.count ? lines[(i + 1)...].joined(separator: "\n") : ""
        let path = String(pathPart[0]).removingPercentEncoding ?? String(pathPart[0])
        return (SigV4Signer.Request(method: method, path: path, query: query, headers: headers), Array(body.utf8))
    }

    static func read(_ c: String, _ ext: String) throws -> String {
        try String(contentsOfFile: "\(root)/\(c).\(ext)", encoding: .utf8)
    }

    @Test func theSuiteIsThere() {
        #expect(Self.cases().count == 31)
        #expect(FileManager.default.fileExists(atPath: Self.root + "/LICENSE"))
        #expect(FileManager.default.fileExists(atPath: Self.root + "/NOTICE"))
    }

    @Test(arguments: SigV4SuiteTests.cases())
    func signsLikeTheSuite(_ name: String) throws {
        let (request, body) = Self.parse(try Self.read(name, "req"))
        let amzDate = request.headers.first { $0.0.lowercased() == "x-amz-date" }!.1
        let hash = Digest.hex(Digest.sha256(body))
        let (creq, _) = Self.signer.canonicalRequest(request, payloadHash: hash)
        #expect(creq == (try Self.read(name, "creq")))
        #expect(Self.signer.stringToSign(canonicalRequest: creq, amzDate: amzDate) == (try Self.read(name, "sts")))
        #expect(
            Self.signer.authorization(request, payloadHash: hash, amzDate: amzDate) == (try Self.read(name, "authz")))
    }

    @Test func s3KeepsThePathAsItIs() {
        var s3 = Self.signer
        s3.normalizePath = false
        let r = SigV4Signer.Request(method: "GET", path: "/bucket/a//b/../c d", headers: [("Host", "h")])
        let (creq, _) = s3.canonicalRequest(r, payloadHash: Digest.emptySHA256)
        #expect(creq.components(separatedBy: "\n")[1] == "/bucket/a//b/../c%20d")
        let (normalized, _) = Self.signer.canonicalRequest(r, payloadHash: Digest.emptySHA256)
        #expect(normalized.components(separatedBy: "\n")[1] == "/bucket/a/c%20d")
    }

    @Test func s3RequestsCarryThePayloadHashAndTheToken() {
        var s3 = Self.signer
        s3.normalizePath = false
        s3.credentials.sessionToken = "tok"
        var r = SigV4Signer.Request(method: "PUT", path: "/b/k", headers: [("Host", "h")])
        let hash = Digest.hex(Digest.sha256([1, 2, 3]))
        s3.signS3(&r, payloadHash: hash, now: Date(timeIntervalSince1970: 1_440_938_160))
        let names = r.headers.map { $0.0.lowercased() }
        #expect(names.contains("x-amz-security-token"))
        #expect(r.headers.first { $0.0 == "x-amz-content-sha256" }?.1 == hash)
        #expect(r.headers.first { $0.0 == "x-amz-date" }?.1 == "20150830T123600Z")
        let auth = r.headers.first { $0.0 == "Authorization" }!.1
        #expect(auth.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"))
        #expect(!"\(s3.credentials)".contains("EXAMPLEKEY"))
    }
}
