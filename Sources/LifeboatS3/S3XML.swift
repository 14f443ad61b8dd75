import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The few bits of S3's XML answers the client reads: error code and message, upload ids, list pages.
enum S3XML {
    /// Whether `body` may be handed to XMLParser at all. FoundationXML traps or crashes (rather than
    /// failing) on some malformed documents: an element name that is not valid UTF-8 in a document that
    /// says it is, a processing instruction without data (`<?x?>`). S3 sends plain UTF-8 XML with at most
    /// an XML declaration, so anything else (another encoding, a NUL byte, a second processing
    /// instruction, a DOCTYPE or entity) is refused before parsing: one answer from a hostile server
    /// must not stop the process.
    static func isSafeToParse(_ body: [UInt8]) -> Bool {
        guard let text = String(bytes: body, encoding: .utf8), !body.contains(0) else { return false }
        guard !text.contains("<!DOCTYPE"), !text.contains("<!ENTITY") else { return false }
        var rest = Substring(text)
        if rest.hasPrefix("<?") {
            guard rest.hasPrefix("<?xml "), let end = rest.range(of: "?>") else { return false }
            let prolog = rest[..<end.lowerBound].lowercased()
            // Only `name="value"` pairs: the declaration ends at its own `?>`, not at a later one.
            guard !prolog.dropFirst(2).contains("<"), !prolog.contains(">") else { return false }
            if let at = prolog.range(of: "encoding") {
                let declared = prolog[at.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
                guard declared.hasPrefix("utf-8") || declared.hasPrefix("utf8") else { return false }
            }
            rest = rest[end.upperBound...]
        }
        return !rest.contains("<?")
    }

    /// Every text value of elements named `name`, in document order.
    static func values(_ name: String, in body: [UInt8]) -> [String] {
        guard isSafeToParse(body) else { return [] }
        let collector = Collector(names: [name])
        let parser = XMLParser(data: Data(body))
        parser.delegate = collector
        _ = parser.parse()
        return collector.found.filter { $0.0 == name }.map(\.1)
    }

    static func firstValue(_ name: String, in body: [UInt8]) -> String? { values(name, in: body).first }

    static func errorCodeAndMessage(_ body: [UInt8]) -> (String?, String?) {
        guard !body.isEmpty, isSafeToParse(body) else { return (nil, nil) }
        let collector = Collector(names: ["Code", "Message", "Error"])
        let parser = XMLParser(data: Data(body))
        parser.delegate = collector
        _ = parser.parse()
        guard collector.sawError else { return (nil, nil) }
        return (collector.found.first { $0.0 == "Code" }?.1, collector.found.first { $0.0 == "Message" }?.1)
    }

    struct ListPage {
        var keys: [String] = []
        /// `CommonPrefixes/Prefix` of a listing made with a delimiter.
        var folders: [String] = []
        var truncated = false
        var nextToken: String?
    }

    static func listPage(_ body: [UInt8]) -> ListPage {
        guard isSafeToParse(body) else { return ListPage() }
        let collector = Collector(names: ["Key", "CommonPrefixes/Prefix", "IsTruncated", "NextContinuationToken"])
        let parser = XMLParser(data: Data(body))
        parser.delegate = collector
        _ = parser.parse()
        var page = ListPage()
        for (n, v) in collector.found {
            switch n {
            case "Key": page.keys.append(v)
            case "CommonPrefixes/Prefix": page.folders.append(v)
            case "IsTruncated": page.truncated = v == "true"
            default: page.nextToken = v
            }
        }
        return page
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Collects the text of elements named `names`; a name `Parent/Child` matches `Child` only inside
    /// `Parent` (S3's `CommonPrefixes/Prefix` is not the listing's own `Prefix`).
    final class Collector: NSObject, XMLParserDelegate {
        let names: Set<String>
        var found: [(String, String)] = []
        var current: String?
        var text = ""
        var sawError = false
        var parent: [String] = []

        init(names: Set<String>) { self.names = names }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if name == "Error" { sawError = true }
            let qualified = parent.last.map { "\($0)/\(name)" }
            if let qualified, names.contains(qualified) {
                current = qualified
                text = ""
            } else if names.contains(name) {
                current = name
                text = ""
            }
            parent.append(name)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if current != nil { text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            parent.removeLast()
            if let c = current, c == name || c.hasSuffix("/\(name)") {
                found.append((c, text))
                current = nil
            }
        }
    }
}
