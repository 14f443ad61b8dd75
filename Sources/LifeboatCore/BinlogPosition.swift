/// A place in a MariaDB server's binary log: the file and the byte offset of the next event. A dump
/// records the one it is consistent with, so a point-in-time restore knows where its replay starts.
package struct BinlogPosition: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    package var file: String
    package var position: Int64

    package init(file: String, position: Int64) {
        self.file = file
        self.position = position
    }

    package var description: String { "\(file):\(position)" }

    /// Whether `name` can be a binary log's file name: a base name of letters, digits, `-`, `_` and `.`,
    /// then a dot and six or more digits (`mysql-bin.000042`). Names from a server or a destination are
    /// checked with this before they become object keys or file names.
    package static func isLogName(_ name: String) -> Bool {
        guard name.utf8.count <= 200, let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            return false
        }
        let base = name[..<dot]
        let number = name[name.index(after: dot)...]
        return number.utf8.count >= 6 && number.utf8.allSatisfy { (0x30...0x39).contains($0) }
            && base.utf8.allSatisfy { c in
                (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x2D
                    || c == 0x5F || c == 0x2E
            } && !base.hasPrefix(".")
    }

    /// The sequence number of a log's file name (`mysql-bin.000042` → 42); nil when it is not one.
    package static func sequence(of name: String) -> Int? {
        guard isLogName(name), let dot = name.lastIndex(of: ".") else { return nil }
        return Int(name[name.index(after: dot)...])
    }

    /// Reads the comment `mariadb-dump --master-data=2` writes near the top of a dump:
    /// `-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000003', MASTER_LOG_POS=1234;`. Nil when the
    /// line is not there or names something that is not a log file and an offset.
    package static func parse(changeMasterLine line: Substring) -> BinlogPosition? {
        let prefix = "-- CHANGE MASTER TO MASTER_LOG_FILE='"
        guard line.hasPrefix(prefix) else { return nil }
        let rest = line.dropFirst(prefix.count)
        guard let quote = rest.firstIndex(of: "'") else { return nil }
        let file = String(rest[..<quote])
        let tail = rest[rest.index(after: quote)...]
        let posPrefix = ", MASTER_LOG_POS="
        guard isLogName(file), tail.hasPrefix(posPrefix) else { return nil }
        let digits = tail.dropFirst(posPrefix.count).prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 18, let position = Int64(digits), position >= 4 else { return nil }
        return BinlogPosition(file: file, position: position)
    }
}
