/// The records of one pax extended header ("LEN key=value\n"), kept as bytes: a `path` with
/// `hdrcharset=BINARY` and an xattr value are not text. Every record is bounds-checked, since
/// headers read back from a backup are untrusted input.
struct TarPaxRecords {
    /// The prefix of extended attribute records, as GNU tar and bsdtar write them.
    static let xattrPrefix = "SCHILY.xattr."
    /// Linux's limit on an attribute name (XATTR_NAME_MAX).
    static let maxXattrName = 255

    private(set) var values: [[UInt8]: [UInt8]] = [:]

    subscript(key: String) -> [UInt8]? { values[Array(key.utf8)] }

    /// A record's value as text (numbers, times).
    func text(_ key: String) -> String? { self[key].map { String(decoding: $0, as: UTF8.self) } }

    var isEmpty: Bool { values.isEmpty }

    /// Later records win, as in a global header followed by another.
    mutating func merge(_ other: TarPaxRecords) {
        values.merge(other.values) { $1 }
    }

    /// Parses the data of an 'x' or 'g' header.
    static func parse(_ data: [UInt8], offset: Int64) throws -> TarPaxRecords {
        var records = TarPaxRecords()
        var i = 0
        let bad = ArchiveError(.corrupt, "malformed pax header at offset \(offset)")
        while i < data.count {
            if data[i] == 0 { break }
            var length = 0
            var j = i
            while j < data.count, data[j] >= UInt8(ascii: "0"), data[j] <= UInt8(ascii: "9"), j - i < 12 {
                length = length * 10 + Int(data[j] - UInt8(ascii: "0"))
                j += 1
            }
            guard j > i, j < data.count, data[j] == 0x20, length > j - i + 1, length <= data.count - i,
                data[i + length - 1] == 0x0a
            else { throw bad }
            let record = data[(j + 1)..<(i + length - 1)]
            guard let eq = record.firstIndex(of: UInt8(ascii: "=")), eq > record.startIndex else { throw bad }
            let key = Array(record[record.startIndex..<eq])
            guard !key.contains(0) else { throw bad }
            records.values[key] = Array(record[(eq + 1)...])
            i += length
        }
        return records
    }

    /// The `SCHILY.xattr.*` records as attributes, in name order; refuses names and values that
    /// Linux could not hold.
    func xattrs(offset: Int64) throws -> [TarXattr] {
        let prefix = Array(Self.xattrPrefix.utf8)
        var out: [TarXattr] = []
        for (key, value) in values where key.starts(with: prefix) {
            let name = Array(key.dropFirst(prefix.count))
            guard !name.isEmpty, name.count <= Self.maxXattrName, value.count <= FileTreeXattrs.maxValue else {
                throw ArchiveError(.corrupt, "bad extended attribute record at offset \(offset)")
            }
            out.append(TarXattr(name: name, value: value))
        }
        return out.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }
}
