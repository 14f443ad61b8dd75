import Foundation
import LifeboatCore
import Testing

@testable import LifeboatAgent

/// Finding a PostgreSQL data directory in an extracted tree, reading its version as hostile input, and
/// refusing to start one whose links lead out of the drill's folder (the server would write there).
@Suite struct PostgresDataDirectoryProofTests {
    func tree() throws -> String {
        let t = NSTemporaryDirectory() + "pgdata-proof-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: t, withIntermediateDirectories: true)
        return t
    }

    func dataDirectory(_ path: String, version: String = "15\n") throws {
        try FileManager.default.createDirectory(atPath: path + "/global", withIntermediateDirectories: true)
        try version.write(toFile: path + "/PG_VERSION", atomically: true, encoding: .utf8)
        #expect(FileManager.default.createFile(atPath: path + "/global/pg_control", contents: Data(count: 8192)))
    }

    @Test func findsTheShallowestFolderWithAVersionAndAControlFile() throws {
        let t = try tree()
        defer { try? FileManager.default.removeItem(atPath: t) }
        #expect(PostgresDataDirectoryProof.find(in: t) == nil)
        // A PG_VERSION without global/pg_control (a tablespace's folder) is not a data directory.
        try FileManager.default.createDirectory(atPath: t + "/a/ts", withIntermediateDirectories: true)
        try "15\n".write(toFile: t + "/a/ts/PG_VERSION", atomically: true, encoding: .utf8)
        #expect(PostgresDataDirectoryProof.find(in: t) == nil)
        try dataDirectory(t + "/var/lib/postgresql/15/main")
        try dataDirectory(t + "/var/lib/postgresql/15/main/nested/copy")
        #expect(PostgresDataDirectoryProof.find(in: t) == t + "/var/lib/postgresql/15/main")
    }

    @Test(arguments: ["", "fifteen", "15; rm -rf /", "../../bin", "1234"])
    func aVersionThatIsNotDigitsIsRefused(_ version: String) throws {
        let t = try tree()
        defer { try? FileManager.default.removeItem(atPath: t) }
        try dataDirectory(t, version: version)
        #expect(throws: LifeboatError.self) { try PostgresDataDirectoryProof.majorVersion(t) }
    }

    @Test func theVersionIsItsDigits() throws {
        let t = try tree()
        defer { try? FileManager.default.removeItem(atPath: t) }
        try dataDirectory(t, version: "16\n")
        #expect(try PostgresDataDirectoryProof.majorVersion(t) == "16")
    }

    @Test func aLinkOutOfTheDrillFolderIsRefusedAndOneInsideIsNot() throws {
        let t = try tree()
        defer { try? FileManager.default.removeItem(atPath: t) }
        let data = t + "/drill/tree/main"
        try dataDirectory(data)
        try FileManager.default.createDirectory(atPath: t + "/drill/wal", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: data + "/pg_wal", withDestinationPath: "../../wal")
        try PostgresDataDirectoryProof.refuseLinksOut(of: data, within: t + "/drill")
        try FileManager.default.createDirectory(atPath: data + "/pg_tblspc", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: data + "/pg_tblspc/16384", withDestinationPath: "../../../../outside")
        #expect(throws: LifeboatError.self) {
            try PostgresDataDirectoryProof.refuseLinksOut(of: data, within: t + "/drill")
        }
    }

    @Test func settingsKeepTheServerOffTheNetworkAndOffTheArchive() {
        let s = PostgresDataDirectoryProof.settings(socket: "/s/socket", setup: "/s")
        for line in [
            "listen_addresses = ''", "archive_mode = off", "primary_conninfo = ''", "restore_command = ''",
            "unix_socket_directories = '/s/socket'", "shared_preload_libraries = ''",
        ] {
            #expect(s.contains(line + "\n"), "\(line)")
        }
    }
}
