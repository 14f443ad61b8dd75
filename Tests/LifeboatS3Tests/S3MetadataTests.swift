import Foundation
import LifeboatStorage
import Testing

@testable import LifeboatS3

/// Text fields written with an object come back with it (what lets `fleet` check a `latest.json` with
/// one GET), through the retry and breaker wrappers too; what the server answers is filtered, not trusted.
@Suite struct S3MetadataTests {
    @Test func fieldsWrittenWithAnObjectComeBackWithIt() async throws {
        let moto = try MotoServer.shared()
        let s3 = try await moto.destination(prefix: "meta/")
        let wrapped = RetryingDestination(s3, retrier: Retrier(policy: BackoffPolicy(base: 0, cap: 0, maxAttempts: 2)))
        try await wrapped.put("h/p/latest.json", bytes: Array("{}".utf8), metadata: ["lifeboat-signature": "c2ln"])
        var body: [UInt8] = []
        let fields = try await wrapped.readWithMetadata("h/p/latest.json", offset: 0) { body += $0 }
        #expect(body == Array("{}".utf8))
        #expect(fields == ["lifeboat-signature": "c2ln"])
        try await s3.put("h/p/plain", bytes: [1])
        #expect(try await s3.readWithMetadata("h/p/plain", offset: 0) { _ in } == [:])
    }

    @Test func onlyPrintableBoundedFieldsAreKept() {
        let response = S3HTTPResponse(
            status: 200,
            headers: [
                ("X-Amz-Meta-Lifeboat-Signature", "abc"), ("x-amz-meta-bad", "line\nbreak"),
                ("x-amz-meta-huge", String(repeating: "a", count: 4096)), ("Content-Type", "text/plain"),
            ])
        #expect(S3Destination.metadata(of: response) == ["lifeboat-signature": "abc"])
    }

    @Test func aStoreWithoutFieldsWritesTheBytesAlone() async throws {
        let dir = NSTemporaryDirectory() + "meta-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let local = LocalDestination(name: "nas", root: dir)
        try await local.put("a/b", bytes: [7], metadata: ["lifeboat-signature": "x"])
        var body: [UInt8] = []
        #expect(try await local.readWithMetadata("a/b", offset: 0) { body += $0 } == [:])
        #expect(body == [7])
    }
}
