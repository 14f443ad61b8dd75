/// The name of a file PostgreSQL hands to `archive_command` or asks of `restore_command`: a WAL
/// segment (24 hexadecimal digits: timeline, log, segment), a timeline history file
/// (`00000002.history`), a backup history file (`<segment>.<offset>.backup`) or a segment cut short by
/// a promotion (`<segment>.partial`). Anything else is refused, because the name becomes part of an
/// object key and a path.
package struct WALFileName: Sendable, Hashable, Comparable, CustomStringConvertible {
    package enum Kind: Sendable, Hashable {
        case segment
        case history
        case backup
        case partial
    }

    package let name: String
    package let kind: Kind
    /// The timeline the file belongs to (the first 8 digits).
    package let timeline: UInt32

    package init?(_ name: String) {
        let b = Array(name.utf8)
        func hex(_ r: Range<Int>) -> Bool {
            r.upperBound <= b.count
                && b[r].allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) }
        }
        if b.count == 24, hex(0..<24) {
            kind = .segment
        } else if b.count == 16, hex(0..<8), name.hasSuffix(".history") {
            kind = .history
        } else if b.count == 40, hex(0..<24), b[24] == 0x2E, hex(25..<33), name.hasSuffix(".backup") {
            kind = .backup
        } else if b.count == 32, hex(0..<24), name.hasSuffix(".partial") {
            kind = .partial
        } else {
            return nil
        }
        guard let tl = UInt32(name.prefix(8), radix: 16), tl >= 1 else { return nil }
        self.name = name
        timeline = tl
    }

    /// The segment number within the timeline (log * segments per log + segment); nil for a history file.
    /// `segmentsPerLog` is 0x100000000 / wal_segment_size (256 for 16 MiB segments).
    package func segmentNumber(segmentsPerLog: UInt64 = 256) -> UInt64? {
        guard kind != .history, let log = UInt64(name.dropFirst(8).prefix(8), radix: 16),
            let seg = UInt64(name.dropFirst(16).prefix(8), radix: 16)
        else { return nil }
        return log * segmentsPerLog + seg
    }

    /// The name of segment `number` on `timeline`.
    package static func segment(timeline: UInt32, number: UInt64, segmentsPerLog: UInt64 = 256) -> String {
        func hex8(_ v: UInt64) -> String {
            let s = String(v, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 8 - s.count)) + s
        }
        return hex8(UInt64(timeline)) + hex8(number / segmentsPerLog) + hex8(number % segmentsPerLog)
    }

    /// The segment that holds WAL position `lsn` (16 MiB segments unless told).
    package static func segment(timeline: UInt32, holding lsn: PostgresLSN, segmentSize: UInt64 = 16 << 20) -> String {
        segment(timeline: timeline, number: lsn.value / segmentSize, segmentsPerLog: 0x1_0000_0000 / segmentSize)
    }

    package var description: String { name }

    package static func < (a: WALFileName, b: WALFileName) -> Bool { a.name < b.name }
}
