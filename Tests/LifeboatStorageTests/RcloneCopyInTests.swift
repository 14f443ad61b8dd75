import Foundation
import LifeboatCore
import LifeboatDigest
import LifeboatStorage
import LifeboatTestSupport
import Testing

/// rclone copying an object into an rclone destination by itself (`RcloneDestination.copyIn`), against
/// the real rclone binary and its local backend: what landed and the sha256 rclone computed over it,
/// a missing source, a source it cannot read, and the hash it prints held to a digest's shape.
@Suite(.serialized) struct RcloneCopyInTests {
    static let binary = ScriptedServer.rcloneBinary()

    /// An rclone target on the local backend, in a folder whose name needs quoting in a connection
    /// string (a quote and a comma), and a local folder as the source.
    static func ends(_ dir: TemporaryDirectory) throws -> (source: LocalDestination, target: RcloneDestination) {
        let config = try RcloneDestinationTests.localRemote(dir).config
        let target = RcloneDestination(
            name: "disk", remote: "disk:" + dir.file("it's,here"), config: config, binary: binary)
        return (LocalDestination(name: "nas", root: dir.file("source")), target)
    }

    @Test func rcloneCopiesTheObjectAndHashesWhatItWrote() async throws {
        let dir = try TemporaryDirectory()
        let (source, target) = try Self.ends(dir)
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<(3 << 20) + 11).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try await source.put("h/p/20260101T000000Z-abcdef/data.000001", bytes: bytes)
        let landed = try await RcloneDaemon.withOwnDaemons {
            try await target.copyIn(
                from: try #require(source.rcloneSource), key: "h/p/20260101T000000Z-abcdef/data.000001")
        }
        #expect(landed.size == Int64(bytes.count))
        #expect(landed.sha256 == Self.sha256(bytes))
        let written = try Data(
            contentsOf: URL(fileURLWithPath: dir.file("it's,here/h/p/20260101T000000Z-abcdef/data.000001")))
        #expect([UInt8](written) == bytes)
    }

    @Test func rcloneCopiesIntoWebDAVAndOverSFTPWithTheSameCheck() async throws {
        let dir = try TemporaryDirectory()
        let source = LocalDestination(name: "nas", root: dir.file("source"))
        let bytes = (0..<(1 << 20) + 3).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
        try await source.put("h/p/id/data.000000", bytes: bytes)
        let dav = try ScriptedServer("webdav")
        let sshd = try ScriptedServer("sshd")
        let targets = [
            RcloneDestination(
                name: "dav", remote: "dav:backups", config: dav.dir.file("rclone.conf"), binary: Self.binary),
            RcloneDestination(
                name: "sftp", remote: "sftp:" + sshd.dir.file("stored"), config: sshd.dir.file("rclone.conf"),
                binary: Self.binary),
        ]
        for target in targets {
            let landed = try await RcloneDaemon.withOwnDaemons {
                try await target.copyIn(from: try #require(source.rcloneSource), key: "h/p/id/data.000000")
            }
            #expect(landed == .init(size: Int64(bytes.count), sha256: Self.sha256(bytes)), "\(target.name)")
        }
        #expect(FileManager.default.fileExists(atPath: dav.dir.file("served/backups/h/p/id/data.000000")))
        #expect(FileManager.default.fileExists(atPath: sshd.dir.file("stored/h/p/id/data.000000")))
    }

    @Test func aKeyMissingAtTheSourceIsPermanentAndNothingLands() async throws {
        let dir = try TemporaryDirectory()
        let (source, target) = try Self.ends(dir)
        try await source.put("other", bytes: [1, 2, 3])
        await #expect {
            try await RcloneDaemon.withOwnDaemons {
                try await target.copyIn(from: try #require(source.rcloneSource), key: "h/p/data.000009")
            }
        } throws: { error in
            guard let e = error as? StorageError else { return false }
            return e.kind == .permanent && e.message.contains("copy h/p/data.000009 in from local folder")
                && e.message.contains("not found")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("it's,here/h/p/data.000009")))
    }

    @Test func aRemoteOfAnotherConfigIsNotCopiedFrom() throws {
        let dir = try TemporaryDirectory()
        let (_, target) = try Self.ends(dir)
        let elsewhere = RcloneSource(fs: "disk:/x", config: dir.file("other.conf"), label: "rclone remote disk:/x")
        #expect(!target.canCopyIn(from: elsewhere))
        #expect(target.canCopyIn(from: try #require(target.rcloneSource)))
        #expect(LocalDestination(name: "rel", root: "relative/path").rcloneSource == nil)
    }

    @Test func aConnectionStringValueIsQuotedWithItsQuotesDoubled() {
        #expect(RcloneSource.quoted("a'b,c:d") == "'a''b,c:d'")
    }

    @Test func aHashIsTakenOnlyInTheShapeOfADigest() throws {
        func entry(_ hash: String?) throws -> RcloneListing.RawEntry {
            let hashes = hash.map { #","Hashes":{"sha256":"\#($0)"}"# } ?? ""
            let json = #"{"Path":"a/b","Name":"b","Size":3,"IsDir":false\#(hashes)}"#
            return try JSONDecoder().decode(RcloneListing.RawEntry.self, from: Data(json.utf8))
        }
        let good = String(repeating: "ab", count: 32)
        #expect(try entry(good).hash("sha256", hexDigits: 64) == good)
        #expect(try entry(nil).hash("sha256", hexDigits: 64) == nil)
        #expect(try entry("").hash("sha256", hexDigits: 64) == nil)
        #expect(throws: RcloneListing.Malformed.self) { try entry("zz").hash("sha256", hexDigits: 64) }
        #expect(throws: RcloneListing.Malformed.self) {
            try entry(String(repeating: "AB", count: 32)).hash("sha256", hexDigits: 64)
        }
    }

    static func sha256(_ bytes: [UInt8]) -> String { SHA256Hasher.digest(bytes).hexString }
}
