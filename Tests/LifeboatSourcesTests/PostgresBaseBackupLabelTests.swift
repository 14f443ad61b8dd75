import Foundation
import LifeboatCore
import Testing

@testable import LifeboatSources

/// A physical base backup's WAL range comes from the backup_label and the end of the backup_manifest
/// that pg_basebackup writes into its tar; the capture reads them as the stream passes, unchanged.
@Suite struct PostgresBaseBackupLabelTests {
    /// backup_label as PostgreSQL 15 writes it.
    static let label = """
        START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
        CHECKPOINT LOCATION: 0/2000060
        BACKUP METHOD: streamed
        BACKUP FROM: primary
        START TIME: 2026-11-29 20:01:25 UTC
        LABEL: pg_basebackup base backup
        START TIMELINE: 3

        """
    static let manifestTail = """
        { "Path": "global/pg_control", "Size": 8192, "Last-Modified": "2026-11-29 20:01:25 GMT" }
        ],
        "WAL-Ranges": [
        { "Timeline": 2, "Start-LSN": "0/2000028", "End-LSN": "0/2000050" },
        { "Timeline": 3, "Start-LSN": "0/2000050", "End-LSN": "0/2000100" }
        ],
        "Manifest-Checksum": "5cdc145c6da73e031b28654c1244de8b70f267b100ea57a9d61e708b92ba9dd7"}
        """

    @Test func readsTheRangeFromLabelAndManifest() throws {
        let wal = try PostgresBaseBackupLabel.parse(label: Self.label, manifestTail: Self.manifestTail)
        #expect(wal.timeline == 3)
        #expect(wal.start.description == "0/2000028")
        #expect(wal.stop.description == "0/2000100", "the last range's end")
    }

    @Test(arguments: [
        ("", manifestTail, "names no START WAL LOCATION"),
        (
            label.replacingOccurrences(of: "START TIMELINE: 3", with: "START TIMELINE: x"), manifestTail,
            "START TIMELINE"
        ),
        (label, "", "names no WAL-Ranges End-LSN"),
        (label, "\"End-LSN\": \"0/zz\" }", "names no WAL-Ranges End-LSN"),
        (label, "\"End-LSN\": \"0/1000000\" }", "ends before it starts"),
    ])
    func refusesWhatIsNotARange(label: String, manifest: String, message: String) {
        let e = #expect(throws: LifeboatError.self) {
            try PostgresBaseBackupLabel.parse(label: label, manifestTail: manifest)
        }
        #expect(e?.message.contains(message) == true, "\(e?.message ?? "")")
    }

    /// A real tar (GNU tar, relative names as pg_basebackup writes them) passes through unchanged, fed
    /// in awkward slices; the named members are captured, a long one only its tail.
    @Test(arguments: [1, 700, 1 << 16])
    func captureKeepsNamedMembersAndPassesEverythingOn(slice: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("capture-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(dir)/base", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.label.write(toFile: "\(dir)/backup_label", atomically: true, encoding: .utf8)
        let longManifest = String(repeating: "{ \"Path\": \"base/1/1259\" },\n", count: 4000) + Self.manifestTail
        try longManifest.write(toFile: "\(dir)/backup_manifest", atomically: true, encoding: .utf8)
        try "not captured".write(toFile: "\(dir)/base/backup_label", atomically: true, encoding: .utf8)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-cf", "\(dir)/out.tar", "-C", dir, "backup_label", "base", "backup_manifest"]
        try tar.run()
        tar.waitUntilExit()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/out.tar")))
        let next = MemorySink()
        let capture = TarMemberCapture(next: next, names: ["backup_label", "backup_manifest"], limit: 4096)
        var offset = 0
        while offset < bytes.count {
            let n = min(slice, bytes.count - offset)
            try bytes[offset..<(offset + n)].withUnsafeBytes { try capture.write($0) }
            offset += n
        }
        try capture.finish()
        #expect(!next.finished, "the next stage waits until the caller accepts what was captured")
        try capture.finishNext()
        #expect(next.finished)
        #expect(next.bytes == bytes)
        #expect(capture.captured["backup_label"] == Array(Self.label.utf8))
        #expect(capture.captured["backup_manifest"] == Array(longManifest.utf8.suffix(4096)))
        let wal = try PostgresBaseBackupLabel.parse(
            label: String(decoding: capture.captured["backup_label"] ?? [], as: UTF8.self),
            manifestTail: String(decoding: capture.captured["backup_manifest"] ?? [], as: UTF8.self))
        #expect(wal.stop.description == "0/2000100")
    }

    @Test func captureRefusesATruncatedArchive() throws {
        let capture = TarMemberCapture(next: MemorySink(), names: ["backup_label"])
        try capture.write(Array(repeating: 0x41, count: 100))
        #expect(throws: (any Error).self) { try capture.finish() }
    }
}
