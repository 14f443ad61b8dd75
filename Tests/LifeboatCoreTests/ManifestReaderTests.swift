import Foundation
import Testing

@testable import LifeboatCore

/// A manifest from a destination is hostile input: every field is checked before any use.
@Suite struct ManifestReaderTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    var backupID: BackupID { BackupID(date: now.addingTimeInterval(-3600), random: "abcdef") }
    var id: String { backupID.rawValue }
    var expectation: ManifestReader.Expectation {
        .init(host: "db1", policy: "orders", kind: "postgres", id: backupID, now: now)
    }

    func manifest(_ edit: (inout Manifest) -> Void = { _ in }) -> Manifest {
        let stamp = Timestamp.iso8601(now.addingTimeInterval(-3600))
        var m = Manifest(
            host: "db1", policy: "orders", kind: "postgres", id: id, started: stamp, finished: stamp,
            payload: "pg_dump-custom", recipients: [String(repeating: "A", count: 40)], bytesIn: 10, bytesOut: 30,
            lockWindowMs: nil, signer: String(repeating: "B", count: 40),
            chunks: [
                .init(name: "data.000000", size: 20, sha256: String(repeating: "a", count: 64)),
                .init(name: "data.000001", size: 10, sha256: String(repeating: "b", count: 64)),
            ])
        edit(&m)
        return m
    }

    func bytes(_ m: Manifest) throws -> [UInt8] { [UInt8](try JSONEncoder().encode(m)) }

    @Test func aWellFormedManifestIsRead() throws {
        let m = try ManifestReader.read(try bytes(manifest()), expecting: expectation)
        #expect(m.chunks.count == 2)
    }

    @Test(arguments: [
        ("../escape", "chunk 0 is named"), ("/etc/passwd", "chunk 0 is named"), ("data.000001", "chunk 0 is named"),
        ("data.0", "chunk 0 is named"), ("", "chunk 0 is named"),
    ])
    func chunkNamesAreExact(name: String, reason: String) throws {
        let e = #expect(throws: ManifestReader.Refusal.self) {
            try ManifestReader.read(try bytes(manifest { $0.chunks[0].name = name }), expecting: expectation)
        }
        #expect(e?.reason.contains(reason) == true, "\(String(describing: e))")
    }

    @Test func everyFieldIsChecked() throws {
        let cases: [(String, (inout Manifest) -> Void)] = [
            ("names host", { $0.host = "db2" }),
            ("names policy", { $0.policy = "other" }),
            ("names kind", { $0.kind = "files" }),
            (
                "lies in folder",
                { $0.id = BackupID(date: Date(timeIntervalSince1970: 1_700_000_000), random: "zzzzzz").rawValue }
            ),
            ("unknown payload", { $0.payload = "exe" }),
            ("this version reads gzip", { $0.compression = "lz4" }),
            ("format 9", { $0.format = 9 }),
            ("malformed or in the future", { $0.started = "yesterday" }),
            ("negative", { $0.bytesIn = -1 }),
            ("not key fingerprints", { $0.recipients = ["nope"] }),
            ("not a key fingerprint", { $0.signer = "../x" }),
            (
                "lists 0 chunks",
                {
                    $0.chunks = []
                    $0.bytesOut = 0
                }
            ),
            ("has size", { $0.chunks[1].size = 0 }),
            ("malformed sha256", { $0.chunks[1].sha256 = "XYZ" }),
            ("add up to", { $0.bytesOut = 31 }),
            (
                "chunk 2 is named",
                {
                    $0.chunks.append($0.chunks[1])
                    $0.bytesOut += 10
                }
            ),
        ]
        for (reason, edit) in cases {
            let e = #expect(throws: ManifestReader.Refusal.self) {
                try ManifestReader.read(try bytes(manifest(edit)), expecting: expectation)
            }
            #expect(e?.reason.contains(reason) == true, "\(reason): \(String(describing: e))")
        }
    }

    @Test func anIDFromTomorrowIsRefusedAndTenMinutesOfSkewIsNot() throws {
        for (offset, ok) in [(86400.0, false), (540.0, true)] {
            let future = BackupID(date: now.addingTimeInterval(offset), random: "abcdef").rawValue
            let stamp = Timestamp.iso8601(now)
            let m = manifest {
                $0.id = future
                $0.started = stamp
                $0.finished = stamp
            }
            var e = expectation
            e.id = BackupID(future)!
            if ok {
                #expect(throws: Never.self) { try ManifestReader.read(try bytes(m), expecting: e) }
            } else {
                let r = #expect(throws: ManifestReader.Refusal.self) {
                    try ManifestReader.read(try bytes(m), expecting: e)
                }
                #expect(r?.reason.contains("in the future") == true)
            }
        }
    }

    @Test func malformedTruncatedAndOversizedBytesAreRefused() throws {
        let good = try bytes(manifest())
        let inputs: [[UInt8]] = [
            [], Array("not json".utf8), Array(good.prefix(good.count / 2)), Array("[]".utf8),
            Array("{\"format\": 1}".utf8),
            [UInt8](repeating: 0x20, count: ManifestReader.maximumSize + 1),
        ]
        for input in inputs {
            #expect(throws: ManifestReader.Refusal.self) { try ManifestReader.read(input, expecting: expectation) }
        }
        // A hostile value is quoted, cut short and stripped of control characters in the message.
        let e = #expect(throws: ManifestReader.Refusal.self) {
            try ManifestReader.read(
                try bytes(manifest { $0.host = "evil\u{1b}[31m" + String(repeating: "x", count: 500) }),
                expecting: expectation)
        }
        #expect(e.map { !$0.reason.contains("\u{1b}") && $0.reason.count < 200 } == true)
    }
}
