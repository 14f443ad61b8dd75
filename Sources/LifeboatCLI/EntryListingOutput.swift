import Foundation
import LifeboatCore
import LifeboatSources

/// Prints `lifeboat ls` entries as they are read: a line like `ls -l` gives, or the elements of one JSON
/// array (written as it goes, so a tree of a million entries is never held in memory). Names come from
/// the archive: control characters are escaped, so a name cannot move a terminal's cursor.
package final class EntryListingOutput {
    let json: Bool
    private var count = 0

    package init(json: Bool) { self.json = json }

    /// One entry in `lifeboat ls --json`.
    struct JSONEntry: Encodable {
        let type: String
        let path: String
        let mode: String
        let uid: UInt32
        let gid: UInt32
        let size: Int64
        let mtime: String
        let link: String?
    }

    package func print(_ e: TarListedEntry) {
        if json {
            let item = JSONEntry(
                type: e.type, path: e.path, mode: String(format: "%04o", e.mode), uid: e.uid, gid: e.gid,
                size: e.size, mtime: Timestamp.iso8601(Date(timeIntervalSince1970: TimeInterval(e.mtime))),
                link: e.link.isEmpty ? nil : e.link)
            let text = (try? JSONText.encodeLine(item)) ?? "{}"
            Swift.print(count == 0 ? "[\n  " + text : ",\n  " + text, terminator: "")
        } else {
            let when = String(Timestamp.iso8601(Date(timeIntervalSince1970: TimeInterval(e.mtime))).prefix(16))
                .replacingOccurrences(of: "T", with: " ")
            var line = "\(Self.letter(e.type))\(Self.permissions(e.mode)) \(e.uid):\(e.gid) \(e.size) \(when) "
            line += Self.printable(e.path)
            if !e.link.isEmpty { line += " -> " + Self.printable(e.link) }
            Swift.print(line)
        }
        count += 1
    }

    /// Closes the JSON array (an empty listing is `[]`).
    package func end() {
        if json { Swift.print(count == 0 ? "[]" : "\n]") }
    }

    static func letter(_ type: String) -> String {
        switch type {
        case "folder": return "d"
        case "symlink": return "l"
        case "hardlink": return "h"
        case "char": return "c"
        case "block": return "b"
        case "fifo": return "p"
        default: return "-"
        }
    }

    /// `rwxr-x---`, with s/S and t/T for the set-id and sticky bits.
    static func permissions(_ mode: UInt32) -> String {
        var s = ""
        for (i, shift) in [6, 3, 0].enumerated() {
            let bits = (mode >> UInt32(shift)) & 7
            s += bits & 4 != 0 ? "r" : "-"
            s += bits & 2 != 0 ? "w" : "-"
            let special: UInt32 = [0o4000, 0o2000, 0o1000][i]
            let exec = bits & 1 != 0
            if mode & special != 0 {
                s += i == 2 ? (exec ? "t" : "T") : (exec ? "s" : "S")
            } else {
                s += exec ? "x" : "-"
            }
        }
        return s
    }

    static func printable(_ text: String) -> String { TerminalText.printable(text) }
}
