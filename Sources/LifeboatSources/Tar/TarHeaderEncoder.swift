/// One entry as the archiver describes it, before it becomes ustar and pax headers.
struct TarEntryHeader {
    enum Kind: UInt8 {
        case file = 0x30  // '0'
        case hardLink = 0x31  // '1'
        case symlink = 0x32  // '2'
        case directory = 0x35  // '5'
    }

    /// The archive name as bytes: a name that is not UTF-8 is kept as it is on disk.
    var name: [UInt8]
    var kind: Kind
    var linkName: [UInt8] = []
    var size: Int64 = 0
    var mode: UInt32 = 0o644
    var uid: UInt32 = 0
    var gid: UInt32 = 0
    var uname = ""
    var gname = ""
    var mtimeSeconds: Int64 = 0
    var mtimeNanoseconds: Int = 0
    /// Extended attributes (ACLs and capabilities among them), written as `SCHILY.xattr.<name>`.
    var xattrs: [TarXattr] = []
}

/// Turns an entry into a POSIX pax header: a pax 'x' extended header when any field does not fit
/// ustar (long or non-ASCII names and link targets, big sizes and ids, sub-second mtimes,
/// long owner names, extended attributes and ACLs), followed by the ustar header.
///
/// A name that is not valid UTF-8 goes into the pax `path` (or `linkpath`) record as its raw bytes
/// with `hdrcharset=BINARY`, as POSIX defines and bsdtar writes; GNU tar and bsdtar both extract it
/// to the same bytes.
enum TarHeaderEncoder {
    static let block = 512

    /// The header blocks for `entry` (a multiple of 512 bytes; data follows separately).
    static func encode(_ entry: TarEntryHeader) -> [UInt8] {
        var pax: [([UInt8], [UInt8])] = []
        func add(_ key: String, _ value: String) { pax.append((Array(key.utf8), Array(value.utf8))) }
        var name = entry.name
        if entry.kind == .directory && name.last != UInt8(ascii: "/") { name.append(UInt8(ascii: "/")) }
        if !TarBytes.isUTF8(name) || !TarBytes.isUTF8(entry.linkName) { add("hdrcharset", "BINARY") }
        if name.count > 100 || !TarSystem.isPlainASCII(name) { pax.append((Array("path".utf8), name)) }
        if entry.linkName.count > 100 || !TarSystem.isPlainASCII(entry.linkName) {
            pax.append((Array("linkpath".utf8), entry.linkName))
        }
        if entry.size > 0o77777777777 { add("size", String(entry.size)) }
        if entry.uid > 0o7777777 { add("uid", String(entry.uid)) }
        if entry.gid > 0o7777777 { add("gid", String(entry.gid)) }
        if entry.uname.utf8.count > 31 || !TarSystem.isPlainASCII(entry.uname.utf8) { add("uname", entry.uname) }
        if entry.gname.utf8.count > 31 || !TarSystem.isPlainASCII(entry.gname.utf8) { add("gname", entry.gname) }
        if entry.mtimeNanoseconds != 0 || entry.mtimeSeconds < 0 || entry.mtimeSeconds > 0o77777777777 {
            add("mtime", paxTime(entry.mtimeSeconds, entry.mtimeNanoseconds))
        }
        for x in entry.xattrs {
            pax.append((Array(TarPaxRecords.xattrPrefix.utf8) + x.name, x.value))
            if let key = aclTextKeys[x.name], let text = TarAclText.text(x.value) { add(key, text) }
        }

        var out: [UInt8] = []
        if !pax.isEmpty {
            let records = pax.flatMap { paxRecord($0.0, $0.1) }
            var x = TarEntryHeader(name: paxHeaderName(name), kind: .file)
            x.size = Int64(records.count)
            x.mtimeSeconds = max(0, min(entry.mtimeSeconds, 0o77777777777))
            out += ustar(x, name: x.name, type: UInt8(ascii: "x"))
            out += records
            out += [UInt8](repeating: 0, count: padding(records.count))
        }
        out += ustar(entry, name: name, type: entry.kind.rawValue)
        return out
    }

    /// The text records bsdtar restores ACLs from, by the attribute that holds the ACL.
    static let aclTextKeys: [[UInt8]: String] = [
        Array("system.posix_acl_access".utf8): "SCHILY.acl.access",
        Array("system.posix_acl_default".utf8): "SCHILY.acl.default",
    ]

    /// Zero bytes that round `count` up to a whole block.
    static func padding(_ count: Int) -> Int { (block - count % block) % block }
    static func padding(_ count: Int64) -> Int { Int((Int64(block) - count % Int64(block)) % Int64(block)) }

    /// One "LEN key=value\n" record, LEN counting the whole record including itself.
    static func paxRecord(_ key: [UInt8], _ value: [UInt8]) -> [UInt8] {
        let body = key.count + value.count + 3
        var length = body + String(body).count
        if String(length).count + body != length { length = body + String(length).count }
        return Array("\(length) ".utf8) + key + [UInt8(ascii: "=")] + value + [0x0a]
    }

    /// Seconds with up to nine decimals, e.g. "1500000000.123456789" or "-1.5".
    static func paxTime(_ seconds: Int64, _ nanoseconds: Int) -> String {
        guard nanoseconds != 0 else { return String(seconds) }
        var whole = seconds
        var fraction = nanoseconds
        var sign = ""
        if seconds < 0 {
            sign = "-"
            whole = -(seconds + 1)
            fraction = 1_000_000_000 - nanoseconds
        }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(sign)\(whole).\(digits)"
    }

    /// The name of a pax header entry, like GNU tar's "PaxHeaders/<base name>".
    static func paxHeaderName(_ name: [UInt8]) -> [UInt8] {
        let base = name.split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? Array("entry".utf8)
        let ascii = base.map { $0 >= 0x20 && $0 < 0x7f ? $0 : UInt8(ascii: "_") }
        return Array("PaxHeaders/".utf8) + ascii.prefix(80)
    }

    private static func ustar(_ e: TarEntryHeader, name: [UInt8], type: UInt8) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: block)
        put(Array(name.prefix(100)), at: 0, in: &h)
        putNumber(Int64(e.mode & 0o7777), at: 100, width: 8, in: &h)
        putNumber(Int64(e.uid), at: 108, width: 8, in: &h)
        putNumber(Int64(e.gid), at: 116, width: 8, in: &h)
        putNumber(e.size, at: 124, width: 12, in: &h)
        putNumber(e.mtimeSeconds, at: 136, width: 12, in: &h)
        h[156] = type
        put(Array(e.linkName.prefix(100)), at: 157, in: &h)
        put(Array("ustar".utf8) + [0], at: 257, in: &h)
        put(Array("00".utf8), at: 263, in: &h)
        put(truncated(e.uname, 31), at: 265, in: &h)
        put(truncated(e.gname, 31), at: 297, in: &h)
        putNumber(0, at: 329, width: 8, in: &h)
        putNumber(0, at: 337, width: 8, in: &h)
        for i in 148..<156 { h[i] = 0x20 }
        let sum = h.reduce(0) { $0 + Int($1) }
        let digits = Array(String(sum, radix: 8).utf8)
        let field = [UInt8](repeating: UInt8(ascii: "0"), count: max(0, 6 - digits.count)) + digits
        put(field + [0, 0x20], at: 148, in: &h)
        return h
    }

    /// The UTF-8 bytes of `s`, cut to `limit` bytes; pax carries the full value when it is cut.
    private static func truncated(_ s: String, _ limit: Int) -> [UInt8] {
        Array(s.utf8.prefix(limit))
    }

    private static func put(_ bytes: [UInt8], at offset: Int, in h: inout [UInt8]) {
        for (i, b) in bytes.enumerated() { h[offset + i] = b }
    }

    /// Octal with a NUL when it fits, otherwise GNU base-256 (pax carries the value too).
    private static func putNumber(_ value: Int64, at offset: Int, width: Int, in h: inout [UInt8]) {
        let maxOctal: Int64 = (1 << (3 * Int64(width - 1))) - 1
        if value >= 0 && value <= maxOctal {
            let digits = Array(String(value, radix: 8).utf8)
            let field = [UInt8](repeating: UInt8(ascii: "0"), count: width - 1 - digits.count) + digits
            put(field + [0], at: offset, in: &h)
            return
        }
        var v = UInt64(bitPattern: value)
        for i in stride(from: width - 1, through: 1, by: -1) {
            h[offset + i] = UInt8(truncatingIfNeeded: v)
            v >>= 8
        }
        h[offset] = value < 0 ? 0xff : 0x80
    }
}
