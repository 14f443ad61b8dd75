import Foundation

/// What `rclone lsjson` printed, checked before anything in it is used: the answer comes from another
/// program talking to a remote server, so it is parsed strictly and every entry's path must be a
/// relative object key, its name the path's last part, and a file's size a count of bytes.
package struct RcloneListing: Sendable, Equatable {
    /// One listed object or folder.
    package struct Entry: Sendable, Equatable {
        /// Relative to the listed folder, `/`-separated.
        package var path: String
        package var size: Int64
        package var isDir: Bool

        package init(path: String, size: Int64, isDir: Bool) {
            self.path = path
            self.size = size
            self.isDir = isDir
        }
    }

    package var entries: [Entry]

    /// The largest answer read: a listing of a million objects is about 100 MiB.
    package static let maximumBytes = 512 << 20

    /// Parses the array `lsjson` prints; throws `RcloneListing.Malformed` saying what is wrong.
    package static func parse(_ bytes: [UInt8]) throws(Malformed) -> RcloneListing {
        guard bytes.count <= maximumBytes else { throw Malformed("listing of \(bytes.count) bytes is too large") }
        let raw: [RawEntry]
        do {
            raw = try JSONDecoder().decode([RawEntry].self, from: Data(bytes))
        } catch {
            throw Malformed("listing is not a JSON array of entries: \(Self.reason(error))")
        }
        var out: [Entry] = []
        out.reserveCapacity(raw.count)
        for (i, r) in raw.enumerated() { out.append(try r.checked(at: i)) }
        return RcloneListing(entries: out)
    }

    /// Parses the one object `lsjson --stat` prints for a single path.
    package static func parseStat(_ bytes: [UInt8]) throws(Malformed) -> Entry {
        guard bytes.count <= 1 << 20 else { throw Malformed("answer of \(bytes.count) bytes is too large") }
        let raw: RawEntry
        do {
            raw = try JSONDecoder().decode(RawEntry.self, from: Data(bytes))
        } catch {
            throw Malformed("answer is not a JSON entry: \(Self.reason(error))")
        }
        return try raw.checked(at: 0)
    }

    static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "an entry has no \(key.stringValue)"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "\(c.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        case DecodingError.dataCorrupted: return "not valid JSON"
        default: return "not valid JSON"
        }
    }

    /// Why a listing was refused (the caller adds which destination and which command).
    package struct Malformed: Error, Sendable, CustomStringConvertible {
        package let description: String
        init(_ description: String) { self.description = description }
    }

    /// An entry as printed; extra fields (ModTime, MimeType, ID) are ignored, `Hashes` is kept for who
    /// asked for one (`hash(_:)` checks it).
    package struct RawEntry: Decodable, Sendable {
        var path: String
        var name: String
        var size: Int64
        var isDir: Bool
        var hashes: [String: String]?

        enum CodingKeys: String, CodingKey {
            case path = "Path"
            case name = "Name"
            case size = "Size"
            case isDir = "IsDir"
            case hashes = "Hashes"
        }

        /// The hash of type `type` rclone printed, when it printed one that has the shape of a hex digest
        /// of `hexDigits` digits; nil when it printed none (or an empty one, rclone's "unknown").
        package func hash(_ type: String, hexDigits: Int) throws(Malformed) -> String? {
            guard let value = hashes?[type], !value.isEmpty else { return nil }
            guard value.utf8.count == hexDigits,
                value.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else {
                throw Malformed("\(path.debugDescription) has a \(type) that is not \(hexDigits) hex digits")
            }
            return value
        }

        package func checked(at index: Int) throws(Malformed) -> Entry {
            guard ObjectKey.isValid(path) else {
                throw Malformed("entry \(index) has a path that is not a relative object key: \(path.debugDescription)")
            }
            let last = path.split(separator: "/").last.map(String.init) ?? ""
            guard name == last else {
                throw Malformed(
                    "entry \(index): name \(name.debugDescription) is not the end of \(path.debugDescription)")
            }
            // A folder's size is whatever the backend says (-1, 0, 4096); a file's must be a byte count.
            guard isDir || size >= 0 else { throw Malformed("entry \(index) (\(path)) has size \(size)") }
            return Entry(path: path, size: size, isDir: isDir)
        }
    }
}
