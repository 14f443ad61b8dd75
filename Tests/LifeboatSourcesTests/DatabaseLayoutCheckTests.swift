import Foundation
import LifeboatCore
import Logging
import Testing

@testable import LifeboatSources

/// What a backup says about its own layout is read as hostile: a `sql_databases` first line must be
/// the JSON list Lifeboat writes, and a `pg_bundle` must hold a real `database/` folder with a
/// `toc.dat` before any SQL client is started.
@Suite struct DatabaseLayoutCheckTests {
    @Test func theFirstLineOfASqlDatabasesDumpRoundTrips() {
        let line = MariaDBDatabasesDumper.header(["shop", "crm", "ünï code", "a\"b"])
        #expect(line.hasSuffix("\n"))
        #expect(MariaDBDatabasesDumper.names(inHeader: String(line.dropLast())) == ["shop", "crm", "ünï code", "a\"b"])
    }

    @Test(arguments: [
        "-- MariaDB dump 10.19",
        "-- lifeboat-databases: []",
        "-- lifeboat-databases: [\"\"]",
        "-- lifeboat-databases: [\"a`b\"]",
        "-- lifeboat-databases: [1, 2]",
        "-- lifeboat-databases: {\"a\": 1}",
        "-- lifeboat-databases: [\"shop\"",
        "-- lifeboat-databases: [\"shop\"]; DROP DATABASE x",
    ])
    func aFirstLineThatIsNotOursNamesNothing(line: String) {
        #expect(MariaDBDatabasesDumper.names(inHeader: line) == nil)
    }

    /// A bundle without its dump folder, or with `database` as a file, is refused at the end of the
    /// stream, before psql or pg_restore runs (the DSN here points nowhere).
    @Test(arguments: [false, true])
    func aBundleWithoutARealDumpFolderIsRefused(databaseAsFile: Bool) throws {
        let sink = MemorySink()
        let tar = SimpleTarWriter(sink)
        try tar.addFile(name: "globals.sql", contents: Array("CREATE ROLE a;\n".utf8))
        if databaseAsFile { try tar.addFile(name: "database", contents: Array("toc.dat".utf8)) }
        try tar.end()
        let loader = try PostgresBundleLoader(
            dsn: "host=127.0.0.1 port=1 dbname=x connect_timeout=1", passwordFile: nil, jobs: 1, roles: .create,
            logger: Logger(label: "test"))
        defer { loader.abandon() }
        try sink.bytes.withUnsafeBytes { try loader.write($0) }
        let e = try #require(throws: LifeboatError.self) { try loader.finish() }
        #expect(e.message.contains("not a pg_bundle"), "\(e.message)")
    }

    @Test func namesReadFromAServerComeAsHex() {
        #expect(HexText.bytes("73686f70") == Array("shop".utf8))
        #expect(HexText.bytes("C3BC0A09") == [0xC3, 0xBC, 0x0A, 0x09])
        #expect(HexText.bytes("") == [])
        #expect(HexText.bytes("abc") == nil)
        #expect(HexText.bytes("zz") == nil)
        #expect(HexText.bytes("0x") == nil)
    }
}
