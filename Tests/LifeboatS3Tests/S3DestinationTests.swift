import Foundation
import LifeboatCore
import LifeboatDigest
import LifeboatS3
import LifeboatStorage
import LifeboatTestSupport
import Testing

/// The S3 destination against a real S3 API server (moto_server), with faults scripted in the transport.
@Suite struct S3DestinationTests {
    static let fastRetry = Retrier(policy: BackoffPolicy(base: 0.001, cap: 0.002, maxAttempts: 4, maxElapsed: 10))

    @Test func passesTheDestinationSuite() async throws {
        let moto = try MotoServer.shared()
        try await DestinationSuite.run(try await moto.destination(prefix: "prod/"))
    }

    @Test func passesTheDestinationSuiteWithoutAPrefix() async throws {
        let moto = try MotoServer.shared()
        try await DestinationSuite.run(try await moto.destination())
    }

    @Test func listFollowsContinuationTokens() async throws {
        let moto = try MotoServer.shared()
        let transport = ScriptedTransport()
        let made = try await moto.destination(prefix: "p/", transport: transport)
        var settings = made.settings
        settings.listPageSize = 3
        let d = try S3Destination(
            name: "s3", settings: settings,
            credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing"),
            transport: transport)
        for i in 0..<10 { try await d.put("k/\(i)", bytes: []) }
        try await d.put("other/x", bytes: [])
        let keys = try await d.list(prefix: "k/")
        #expect(Set(keys) == Set((0..<10).map { "k/\($0)" }))
        #expect(keys.count == 10)
        #expect(transport.requests.filter { $0.contains("list-type=2") }.count == 4)
        #expect(transport.requests.filter { $0.contains("continuation-token=") }.count == 3)
    }

    @Test func bigFilesGoUpInPartsAndComeBackWhole() async throws {
        let moto = try MotoServer.shared()
        let transport = ScriptedTransport()
        // The second part fails twice with a 500 and a reset: retried on its own.
        transport.fail(times: 1, .status(500, s3Error("InternalError", "try again"))) {
            $0.url.contains("partNumber=2")
        }
        transport.fail(times: 1, .connectionReset) { $0.url.contains("partNumber=2") }
        let d = try await moto.destination(transport: transport, threshold: 6 << 20, partRetrier: Self.fastRetry)
        let dir = try TemporaryDirectory()
        let payload = (0..<(12 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
        try Data(payload).write(to: URL(fileURLWithPath: dir.file("big")))
        try await d.put("a/big", fromFile: dir.file("big"))
        #expect(try await d.size("a/big") == Int64(payload.count))
        #expect(try await d.readAll("a/big") == payload)
        let parts = transport.requests.filter { $0.hasPrefix("PUT") && $0.contains("partNumber=") }
        #expect(parts.count == 5)  // 3 parts, part 2 sent three times
        #expect(try await d.unfinishedUploads().isEmpty)
    }

    @Test func aPartThatKeepsFailingAbortsTheUpload() async throws {
        let moto = try MotoServer.shared()
        let transport = ScriptedTransport()
        transport.fail(times: 100, .status(503, s3Error("SlowDown", "reduce your rate"))) {
            $0.url.contains("partNumber=2")
        }
        let d = try await moto.destination(transport: transport, threshold: 6 << 20, partRetrier: Self.fastRetry)
        let dir = try TemporaryDirectory()
        try Data(repeating: 5, count: 11 << 20).write(to: URL(fileURLWithPath: dir.file("big")))
        await #expect(throws: StorageError.self) { try await d.put("a/big", fromFile: dir.file("big")) }
        #expect(transport.requests.contains { $0.hasPrefix("DELETE") && $0.contains("uploadId=") })
        #expect(try await d.unfinishedUploads().isEmpty)
        #expect(try await d.size("a/big") == nil)
    }

    @Test func anInterruptedReadResumesWithARange() async throws {
        let moto = try MotoServer.shared()
        let transport = ScriptedTransport()
        let d = try await moto.destination(transport: transport)
        let payload = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        try await d.put("x", bytes: payload)
        transport.fail(times: 1, .cutBodyAfter(1_000_000)) { $0.method == "GET" }
        let retrying = RetryingDestination(d, retrier: Self.fastRetry)
        var got: [UInt8] = []
        let n = try await retrying.read("x", offset: 0) { got.append(contentsOf: $0) }
        #expect(n == Int64(payload.count))
        #expect(got == payload)
        #expect(transport.requests.filter { $0.hasPrefix("GET") }.count == 2)
    }

    @Test func answersAreSortedIntoRetryableOrNot() async throws {
        let moto = try MotoServer.shared()
        let transport = ScriptedTransport()
        let d = try await moto.destination(transport: transport)
        let cases: [(Int, String, StorageError.Kind)] = [
            (503, s3Error("SlowDown", "Please reduce your request rate."), .transient),
            (500, s3Error("InternalError", "We encountered an internal error."), .transient),
            (429, "", .transient),
            (400, s3Error("RequestTimeout", "Your socket connection to the server was not read from"), .transient),
            (403, s3Error("SignatureDoesNotMatch", "The request signature we calculated does not match"), .permanent),
            (403, s3Error("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist"), .permanent),
            (400, s3Error("InvalidRequest", "bad"), .permanent),
            (404, s3Error("NoSuchBucket", "The specified bucket does not exist"), .permanent),
            (404, s3Error("NoSuchKey", "The specified key does not exist."), .notFound),
        ]
        for (status, body, kind) in cases {
            transport.fail(times: 1, .status(status, body)) { $0.method == "PUT" }
            do {
                try await d.put("k", bytes: [1])
                Issue.record("expected \(status) to fail")
            } catch let e as StorageError {
                #expect(e.kind == kind, "\(status) \(body)")
                if let code = body.components(separatedBy: "<Code>").dropFirst().first?.components(separatedBy: "<")
                    .first
                {
                    #expect(e.message.contains(code))
                }
            }
        }
        // A permanent failure is not retried: one request only.
        transport.fail(times: 1, .status(403, s3Error("SignatureDoesNotMatch", "no"))) { $0.method == "PUT" }
        let before = transport.requests.count
        await #expect(throws: StorageError.self) {
            try await RetryingDestination(d, retrier: Self.fastRetry).put("k", bytes: [1])
        }
        #expect(transport.requests.count == before + 1)
    }

    @Test func aRealServerRefusesAWrongBucketPermanently() async throws {
        let moto = try MotoServer.shared()
        let d = try S3Destination(
            name: "s3", settings: S3Settings(endpoint: moto.endpoint, bucket: "no-such-bucket-here"),
            credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing"))
        do {
            try await d.put("k", bytes: [1])
            Issue.record("expected a failure")
        } catch let e as StorageError {
            #expect(e.isPermanent)
            #expect(e.message.contains("NoSuchBucket"))
        }
    }

    @Test func addressingIsPathStyleOrVirtualHosted() async throws {
        final class Recorder: S3Transport, @unchecked Sendable {
            var seen: [S3HTTPRequest] = []
            func send(_ r: S3HTTPRequest, onBody: (UnsafeRawBufferPointer) throws -> Void) async throws
                -> S3HTTPResponse
            {
                seen.append(r)
                return S3HTTPResponse(status: 200, headers: [("Content-Length", "3")])
            }
        }
        let creds = S3Credentials(accessKeyID: "AK", secretAccessKey: "SK", sessionToken: "TOKEN")
        let rec = Recorder()
        let path = try S3Destination(
            name: "s3",
            settings: S3Settings(
                endpoint: "https://s3.example.com:8443", bucket: "bk", region: "eu-west-1", prefix: "pre/"),
            credentials: creds, transport: rec)
        try await path.put("h/p/a b", bytes: [1, 2, 3])
        var virtual = S3Settings(endpoint: "https://s3.example.com", bucket: "bk", prefix: "pre/")
        virtual.virtualHosted = true
        let vh = try S3Destination(name: "s3", settings: virtual, credentials: creds, transport: rec)
        _ = try await vh.size("h/p/x")
        #expect(rec.seen[0].url == "https://s3.example.com:8443/bk/pre/h/p/a%20b")
        #expect(rec.seen[0].headers.contains { $0.0 == "Host" && $0.1 == "s3.example.com:8443" })
        #expect(
            rec.seen[0].headers.contains {
                $0.0 == "x-amz-content-sha256" && $0.1 == Digest.hex(Digest.sha256([1, 2, 3]))
            })
        #expect(rec.seen[0].headers.contains { $0.0 == "x-amz-security-token" && $0.1 == "TOKEN" })
        let auth = rec.seen[0].headers.first { $0.0 == "Authorization" }?.1 ?? ""
        #expect(auth.contains("/eu-west-1/s3/aws4_request"))
        #expect(!auth.contains("SK"))
        #expect(rec.seen[1].url == "https://bk.s3.example.com/pre/h/p/x")
        #expect(rec.seen[1].headers.contains { $0.0 == "Host" && $0.1 == "bk.s3.example.com" })
    }

    @Test func aPutWithAKnownSHA256SignsAndChecksumsWithItWithoutHashingTheFile() async throws {
        final class Recorder: S3Transport, @unchecked Sendable {
            var seen: [S3HTTPRequest] = []
            func send(_ r: S3HTTPRequest, onBody: (UnsafeRawBufferPointer) throws -> Void) async throws
                -> S3HTTPResponse
            {
                seen.append(r)
                return S3HTTPResponse(status: 200, headers: [])
            }
        }
        let dir = try TemporaryDirectory()
        let file = dir.file("chunk")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: file))
        let rec = Recorder()
        let s3 = try S3Destination(
            name: "s3", settings: S3Settings(endpoint: "http://127.0.0.1:9", bucket: "bk"),
            credentials: S3Credentials(accessKeyID: "AK", secretAccessKey: "SK"), transport: rec)
        // The hash the caller checked, not the file's: what goes is what S3 will hold the body to.
        let claimed = Digest.sha256([9, 9, 9])
        try await s3.put("h/p/data.000000", fromFile: file, sha256: Digest.hex(claimed))
        let headers = try #require(rec.seen.first).headers
        #expect(headers.contains { $0.0 == "x-amz-content-sha256" && $0.1 == Digest.hex(claimed) })
        #expect(headers.contains { $0.0 == "x-amz-checksum-sha256" && $0.1 == Data(claimed).base64EncodedString() })
        #expect(headers.contains { $0.0 == "Content-Length" && $0.1 == "3" })
        // A hash that is not 64 hex digits is not sent: the file is hashed as always.
        try await s3.put("h/p/data.000001", fromFile: file, sha256: "not-a-hash")
        #expect(
            rec.seen[1].headers.contains {
                $0.0 == "x-amz-content-sha256" && $0.1 == Digest.hex(Digest.sha256([1, 2, 3]))
            })
    }
}

@Suite struct S3CredentialsFileTests {
    @Test func readsTheEnvFileAndRefusesOneOthersCanRead() throws {
        let dir = try TemporaryDirectory()
        let f = dir.file("s3.env")
        try "# offsite\nAWS_ACCESS_KEY_ID=AKID\nAWS_SECRET_ACCESS_KEY=\"se=cret\"\nAWS_SESSION_TOKEN=tok\n"
            .write(toFile: f, atomically: true, encoding: .utf8)
        chmod(f, 0o600)
        let c = try S3CredentialsFile.load(f)
        #expect(c.accessKeyID == "AKID" && c.secretAccessKey == "se=cret" && c.sessionToken == "tok")
        chmod(f, 0o640)
        do {
            _ = try S3CredentialsFile.load(f)
            Issue.record("a group-readable file must be refused")
        } catch let e as LifeboatError {
            #expect(e.exitCode == 65)
            #expect(!e.description.contains("se=cret"))
        }
    }

    @Test func fallsBackToTheEnvironment() throws {
        let c = try S3CredentialsFile.load(nil, environment: ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "B"])
        #expect(c.accessKeyID == "A" && c.sessionToken == nil)
        #expect(throws: LifeboatError.self) { try S3CredentialsFile.load(nil, environment: [:]) }
    }
}

@Suite struct S3TLSTests {
    /// A TLS server with a self-signed certificate (openssl s_server): the upload must be refused, not sent.
    @Test func aCertificateThatDoesNotVerifyIsRefusedPermanently() async throws {
        let dir = try TemporaryDirectory(prefix: "tls")
        let script = """
            set -e
            cd '\(dir.path)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem -out c.pem -days 1 -subj /CN=127.0.0.1 2>/dev/null
            port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
            openssl s_server -quiet -accept 127.0.0.1:$port -cert c.pem -key k.pem -www </dev/null >/dev/null 2>&1 &
            echo $! > pid
            for i in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
            echo $port > port
            """
        #expect(MotoServer.spawn(["bash", "-c", script]) == 0)
        let port = try String(contentsOfFile: dir.file("port"), encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let pid = try String(contentsOfFile: dir.file("pid"), encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        defer { kill(pid_t(pid) ?? 0, SIGTERM) }
        let d = try S3Destination(
            name: "tls", settings: S3Settings(endpoint: "https://127.0.0.1:\(port)", bucket: "b"),
            credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"),
            transport: HTTPClientTransport(timeouts: .init(connect: .seconds(2))))
        do {
            try await d.put("k", bytes: [1])
            Issue.record("a self-signed certificate must not be accepted")
        } catch let e as StorageError {
            #expect(e.isPermanent, "\(e)")
            #expect(e.message.lowercased().contains("certificate"), "\(e)")
        }
    }
}
