/// Text from outside (a folder name at a destination, a name in an archive) made safe to print: control
/// characters (C0, DEL, C1) are escaped, so a hostile name cannot move a terminal's cursor or hide
/// itself in a log line.
package enum TerminalText {
    package static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for s in text.unicodeScalars {
            if isControl(s) {
                out += s.escaped(asASCII: true)
            } else {
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value)
    }
}
