import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The few bits of S3's XML answers the client reads: error code and message, upload ids, list pages.
enum S3XML {
    /// Every text value of elements named `name`, in document order.
    static func values(_ name: String, in body: [UInt8]) -> [String] {
        let collector = Collector(names: [name])
        let parser = XMLParser(data: Data(body))
        parser.delegate = collector
        _ = parser.parse()
        return collector.found.filter { $0.0 == name }.map(\.1)
    }

    static func firstValue(_ name: String, in body: [UInt8]) -> String? { values(name, in: body).first }

    static func errorCodeAndMessage(_ body: [UInt8]) -> (String?, String?) {
        guard !body.isEmpty else { return (nil, nil) }
        let collector = Collector(names: ["Code", "Message", "Error"])
        let parser = XMLParser(data: Data(body))
        parser.delegate = collector
        _ = parser.parse()
        guard collector.sawError else { return (nil, nil) }
        return (collector.found.first { $0.0 == "Code" }?.1, collector.found.first { $0.0 == "Message" }?.1)
    }

    struct ListPage {
        var keys: [String] = []
        var truncated = false
        var nextToken: String?
    }

    static func listPage(_ body: [UInt8]) -> ListPage {
        let collector = Collector(names: ["Key", "IsTruncated", "NextContinuationToken"])
        let parser = XMLParser(data: Data(body))
        parser.delegate = collector
        _ = parser.parse()
        var page = ListPage()
        for (n, v) in collector.found {
            switch n {
            case "Key": page.keys.append(v)
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

    final class Collector: NSObject, XMLParserDelegate {
        let names: Set<String>
        var found: [(String, String)] = []
        var current: String?
        var text = ""
        var sawError = false

        init(names: Set<String>) { self.names = names }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if name == "Error" { sawError = true }
            if names.contains(name) {
                current = name
                text = ""
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if current != nil { text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == current {
                found.append((name, text))
                current = nil
            }
        }
    }
}
