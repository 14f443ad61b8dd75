import Foundation
import LifeboatCore
import LifeboatSources
import Testing

/// What the binlog archiver reads from a MariaDB server before it believes it.
@Suite struct MariaDBBinlogTests {
    @Test func readsShowBinaryLogs() throws {
        let logs = try MariaDBBinlogServer.parse(showBinaryLogs: ["lb.000001\t1234", "lb.000002\t385\tNo"])
        #expect(logs == [.init(name: "lb.000001", size: 1234), .init(name: "lb.000002", size: 385)])
    }

    @Test(arguments: ["../lb.000001\t12", "lb.000001", "lb.000001\t-3", "lb.000001\tmany"])
    func refusesARowThatIsNotALog(row: String) {
        #expect(throws: LifeboatError.self) { try MariaDBBinlogServer.parse(showBinaryLogs: [row]) }
    }

    @Test func sniffsThePositionOutOfADumpAndPassesEveryByte() throws {
        let dump = """
            -- MariaDB dump 10.19
            --
            -- Position to start replication or point-in-time recovery from
            --

            -- CHANGE MASTER TO MASTER_LOG_FILE='lb.000002', MASTER_LOG_POS=642;

            CREATE TABLE t (id int);

            """
        let out = MemorySink()
        let sniffer = BinlogPositionSniffer(next: out)
        // Written in pieces that cut the position's line in two.
        let bytes = Array(dump.utf8)
        for piece in stride(from: 0, to: bytes.count, by: 7) {
            try sniffer.write(Array(bytes[piece..<min(bytes.count, piece + 7)]))
        }
        try sniffer.finish()
        #expect(sniffer.position == BinlogPosition(file: "lb.000002", position: 642))
        #expect(out.bytes == bytes)
        #expect(out.finished)
    }

    @Test func aDumpWithoutThePositionNamesNone() throws {
        let sniffer = BinlogPositionSniffer(next: MemorySink())
        try sniffer.write(Array("-- MariaDB dump\nCREATE TABLE t (id int);\n".utf8))
        try sniffer.finish()
        #expect(sniffer.position == nil)
    }
}
