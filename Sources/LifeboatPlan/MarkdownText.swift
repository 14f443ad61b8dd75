import Mustache

/// Escaping for text that lands in a Markdown table cell or paragraph: a `|` would end the cell, a
/// newline the row, and `<`, `*`, `_`, `[` or a backtick would turn text from a config into markup.
/// It is registered as the mustache content type `MARKDOWN`, so `{{ }}` in the Markdown template
/// escapes as `{{ }}` in the HTML template does.
struct MarkdownText: MustacheContentType {
    /// The content type's name in the template's pragma.
    static let name = "MARKDOWN"
    /// ASCII punctuation that is escaped with a backslash (CommonMark reads any of them literally then).
    static let escaped: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "&", "~", "#", "!"]

    func escapeText(_ text: String) -> String { Self.escape(text) }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            if c == "\n" || c == "\r" || c == "\r\n" || c == "\t" {
                out.append(" ")
            } else if escaped.contains(c) {
                out.append("\\")
                out.append(c)
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// A code fence longer than any run of backticks in `lines`, so no line can close the block early.
    static func fence(for lines: [String]) -> String {
        var longest = 0
        for line in lines {
            var run = 0
            for c in line {
                run = c == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// Registers the content type once per process, before the first Markdown template is parsed.
    static let registered: Bool = {
        MustacheContentTypes.register(MarkdownText(), named: name)
        return true
    }()
}
