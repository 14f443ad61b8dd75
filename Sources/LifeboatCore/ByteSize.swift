import Foundation

/// An amount of bytes as the config writes it (`512KiB`, `64MiB`, `1GiB`, `1TiB`, or plain bytes).
package struct ByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let bytes: Int64

    package init(bytes: Int64) { self.bytes = bytes }

    /// The largest size any setting accepts: 1 PiB.
    package static let maximum = ByteSize(bytes: 1 << 50)

    package init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [
            ("PiB", 1 << 50), ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1),
        ]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            guard let n = Int64(t.dropLast(suffix.count)), n >= 0 else { return nil }
            let (v, o) = n.multipliedReportingOverflow(by: factor)
            if o { return nil }
            bytes = v
            return
        }
        guard let n = Int64(t), n >= 0 else { return nil }
        bytes = n
    }

    package static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }

    package var description: String {
        for (unit, factor) in [
            ("PiB", Int64(1 << 50)), ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
        ]
        where bytes >= factor && bytes % factor == 0 {
            return "\(bytes / factor)\(unit)"
        }
        return "\(bytes)B"
    }
}
