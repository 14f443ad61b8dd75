import LifeboatCore

/// The check on a host or policy folder name that came from a destination listing, where anyone with
/// write access may have made it: only a name the agent itself could have written is read further, so a
/// hostile one never becomes part of an object key, a message's structure, a label or a path.
package enum FleetName {
    /// Longer names are refused (a host name is at most 253 bytes; a policy name far less).
    package static let maximumBytes = 255

    /// A host name as the agent config allows it (no `/`, not `.` or `..`), also printable and bounded.
    package static func isHost(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumBytes, name != ".", name != ".." else { return false }
        return !name.unicodeScalars.contains { s in
            s == "/" || s == "\\" || s.value < 0x20 || (0x7F...0x9F).contains(s.value)
                || s.properties.generalCategory == .format || s.properties.generalCategory == .lineSeparator
                || s.properties.generalCategory == .paragraphSeparator
        }
    }

    /// A policy name as the policy loader allows it: `[a-z0-9-]+`, bounded.
    package static func isPolicy(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= maximumBytes
            && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    /// A name as it may be quoted in a message: control and non-ASCII characters escaped, cut short.
    package static func quoted(_ name: String) -> String {
        var out = ""
        for s in name.unicodeScalars.prefix(80) {
            if (0x20..<0x7F).contains(s.value), s != "\\", s != "\"" {
                out.unicodeScalars.append(s)
            } else {
                out += s.escaped(asASCII: true)
            }
        }
        return "\"" + out + (name.unicodeScalars.count > 80 ? "…" : "") + "\""
    }

    /// Text safe to print on a terminal or in a log line: control characters escaped.
    package static func printable(_ text: String) -> String { TerminalText.printable(text) }
}
