import Foundation
import LifeboatStorage

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A ListObjectVersions answer read as hostile input: every `<Version>` and `<DeleteMarker>` with a key
/// and a version id, in the server's order (newest first per key); anything malformed is refused whole.
package enum S3VersionsXML {
    /// One page of the listing.
    package struct Page: Sendable, Equatable {
        package var entries: [(key: String, version: ObjectVersion)] = []
        package var truncated = false
        package var nextKeyMarker: String?
        package var nextVersionMarker: String?

        package static func == (a: Page, b: Page) -> Bool {
            a.truncated == b.truncated && a.nextKeyMarker == b.nextKeyMarker
                && a.nextVersionMarker == b.nextVersionMarker && a.entries.map(\.key) == b.entries.map(\.key)
                && a.entries.map(\.version) == b.entries.map(\.version)
        }
    }

    /// Why an answer was refused.
    package struct Malformed: Error, Sendable, CustomStringConvertible {
        package var reason: String
        package var description: String { "malformed version listing: \(reason)" }
    }

    /// Entries past this in one page are taken as a hostile server (S3 sends at most 1,000).
    static let maximumEntries = 10_000

    package static func page(_ body: [UInt8]) throws -> Page {
        guard S3XML.isSafeToParse(body) else { throw Malformed(reason: "not UTF-8") }
        let reader = Reader()
        let parser = XMLParser(data: Data(body))
        parser.delegate = reader
        let parsed = parser.parse()
        if let problem = reader.problem { throw Malformed(reason: problem) }
        guard parsed else { throw Malformed(reason: "not well-formed XML") }
        guard reader.path.isEmpty else { throw Malformed(reason: "the answer ends inside an element") }
        guard reader.sawRoot else { throw Malformed(reason: "no ListVersionsResult") }
        var page = reader.page
        if page.truncated && page.nextKeyMarker == nil {
            throw Malformed(reason: "truncated without NextKeyMarker")
        }
        if !page.truncated { (page.nextKeyMarker, page.nextVersionMarker) = (nil, nil) }
        return page
    }

    /// Walks the elements directly under `<Version>` / `<DeleteMarker>` and the result's own fields.
    final class Reader: NSObject, XMLParserDelegate {
        var page = Page()
        var problem: String?
        var sawRoot = false
        var path: [String] = []
        var text = ""
        var fields: [String: String] = [:]

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if path.isEmpty {
                if name == "ListVersionsResult" { sawRoot = true } else { fail(parser, "unexpected root <\(name)>") }
            }
            if path.count == 1 && (name == "Version" || name == "DeleteMarker") { fields = [:] }
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
            if text.utf8.count > 4096 { fail(parser, "a value longer than 4096 bytes") }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            defer {
                if !path.isEmpty { path.removeLast() }
                text = ""
            }
            switch path.count {
            case 2:
                switch name {
                case "IsTruncated": page.truncated = text == "true"
                case "NextKeyMarker": page.nextKeyMarker = text
                case "NextVersionIdMarker": page.nextVersionMarker = text
                case "Version", "DeleteMarker": finishEntry(parser, marker: name == "DeleteMarker")
                default: break
                }
            case 3 where path[1] == "Version" || path[1] == "DeleteMarker":
                guard fields[name] == nil else { return fail(parser, "<\(name)> twice in one <\(path[1])>") }
                fields[name] = text
            default: break
            }
        }

        func finishEntry(_ parser: XMLParser, marker: Bool) {
            guard let key = fields["Key"], !key.isEmpty else { return fail(parser, "an entry without a Key") }
            guard let id = fields["VersionId"], !id.isEmpty else {
                return fail(parser, "an entry without a VersionId")
            }
            guard
                id.allSatisfy({
                    $0.isASCII && !$0.isWhitespace && $0.asciiValue.map { $0 >= 0x21 && $0 < 0x7f } == true
                })
            else {
                return fail(parser, "a VersionId with unexpected characters")
            }
            var size: Int64?
            if !marker {
                guard let s = fields["Size"].flatMap({ Int64($0) }), s >= 0 else {
                    return fail(parser, "a Version without a valid Size")
                }
                size = s
            }
            guard page.entries.count < S3VersionsXML.maximumEntries else { return fail(parser, "too many entries") }
            let latest = fields["IsLatest"] == "true"
            let written = fields["LastModified"].flatMap(S3ObjectLock.parseDate)
            page.entries.append(
                (
                    key,
                    ObjectVersion(id: id, isDeleteMarker: marker, isLatest: latest, size: size, lastModified: written)
                ))
        }

        func fail(_ parser: XMLParser, _ reason: String) {
            if problem == nil { problem = reason }
            parser.abortParsing()
        }
    }
}
