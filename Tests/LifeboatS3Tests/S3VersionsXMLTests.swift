import Foundation
import LifeboatStorage
import Testing

@testable import LifeboatS3

/// A ListObjectVersions answer is a server's word, hostile until checked: entries need a key, a version
/// id and (for a real version) a size; anything malformed is refused whole, never half-read.
@Suite struct S3VersionsXMLTests {
    @Test func readsVersionsAndDeleteMarkersInOrder() throws {
        let body = Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>h/p/</Prefix>\
            <IsTruncated>true</IsTruncated><NextKeyMarker>h/p/x</NextKeyMarker><NextVersionIdMarker>v9</NextVersionIdMarker>\
            <DeleteMarker><Key>h/p/data.000002</Key><VersionId>m1</VersionId><IsLatest>true</IsLatest></DeleteMarker>\
            <Version><Key>h/p/data.000002</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest><Size>42</Size>\
            <Owner><ID>x</ID></Owner></Version></ListVersionsResult>
            """.utf8)
        let page = try S3VersionsXML.page(body)
        #expect(page.entries.map(\.key) == ["h/p/data.000002", "h/p/data.000002"])
        #expect(
            page.entries.map(\.version) == [
                ObjectVersion(id: "m1", isDeleteMarker: true, isLatest: true),
                ObjectVersion(id: "v1", isDeleteMarker: false, isLatest: false, size: 42),
            ])
        #expect(page.truncated && page.nextKeyMarker == "h/p/x" && page.nextVersionMarker == "v9")
    }

    @Test(arguments: [
        "",
        "not xml at all",
        "<ListVersionsResult><Version><Key>a</Key>",
        "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>",
        "<ListVersionsResult><Version><VersionId>v</VersionId><Size>1</Size></Version></ListVersionsResult>",
        "<ListVersionsResult><Version><Key>a</Key><Size>1</Size></Version></ListVersionsResult>",
        "<ListVersionsResult><Version><Key>a</Key><VersionId>v</VersionId></Version></ListVersionsResult>",
        "<ListVersionsResult><Version><Key>a</Key><VersionId>v</VersionId><Size>-3</Size></Version></ListVersionsResult>",
        "<ListVersionsResult><Version><Key>a</Key><VersionId>v 1</VersionId><Size>1</Size></Version></ListVersionsResult>",
        "<ListVersionsResult><Version><Key>a</Key><Key>b</Key><VersionId>v</VersionId><Size>1</Size></Version></ListVersionsResult>",
        "<ListVersionsResult><IsTruncated>true</IsTruncated></ListVersionsResult>",
    ])
    func aMalformedAnswerIsRefusedWhole(text: String) {
        #expect(throws: S3VersionsXML.Malformed.self) { try S3VersionsXML.page(Array(text.utf8)) }
    }

    /// FoundationXML traps on an element name that is not UTF-8 in a document that says it is (found by
    /// fuzzing): such an answer must be refused before it reaches the parser.
    @Test func anAnswerThatIsNotUTF8IsRefusedBeforeParsing() throws {
        var body = Array("<ListVersionsResult><Name>b</Name></ListVersionsResult>".utf8)
        body.insert(0xC6, at: 22)  // inside the element name <Name>
        #expect(throws: S3VersionsXML.Malformed.self) { try S3VersionsXML.page(body) }
        #expect(S3XML.listPage(body).keys.isEmpty)
        let (code, message) = S3XML.errorCodeAndMessage(body)
        #expect(code == nil && message == nil)
        let latin1 = Array(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><ListVersionsResult></ListVersionsResult>".utf8)
        #expect(throws: S3VersionsXML.Malformed.self) { try S3VersionsXML.page(latin1) }
        for text in [
            "<?x?>\n<ListVersionsResult></ListVersionsResult>",
            "<ListVersionsResult><?pi?></ListVersionsResult>",
            "<?xml ><ListVersionsResult <?xersionId?><Lies*lt>",
            "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e \"x\">]><ListVersionsResult>&e;</ListVersionsResult>",
            "<ListVersionsResult>\u{0}</ListVersionsResult>",
        ] {
            #expect(throws: S3VersionsXML.Malformed.self, "\(text)") { try S3VersionsXML.page(Array(text.utf8)) }
        }
        let utf8 = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListVersionsResult></ListVersionsResult>".utf8)
        #expect(try S3VersionsXML.page(utf8).entries.isEmpty)
    }

    @Test func anOverlongValueIsRefused() {
        let text =
            "<ListVersionsResult><Version><Key>" + String(repeating: "k", count: 10_000)
            + "</Key><VersionId>v</VersionId><Size>1</Size></Version></ListVersionsResult>"
        #expect(throws: S3VersionsXML.Malformed.self) { try S3VersionsXML.page(Array(text.utf8)) }
    }

    @Test func lockDatesAndChecksumsAreWhatS3Expects() throws {
        #expect(S3ObjectLock.parseDate("2026-12-30T00:00:00Z") == S3ObjectLock.parseDate("2026-12-30T00:00:00.000Z"))
        #expect(S3ObjectLock.parseDate("2026-12-30T00:00:00.Z") == nil)
        #expect(S3ObjectLock.parseDate("tomorrow") == nil)
        // sha256("hello"), base64 as x-amz-checksum-sha256 wants it.
        let headers = S3ObjectLock.checksumHeaders(
            sha256Hex: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(headers.first { $0.0 == "x-amz-checksum-sha256" }?.1 == "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")
        let lock = S3ObjectLock(mode: .compliance, days: 2)
        let now = Date(timeIntervalSince1970: 1_800_000_000.5)
        #expect(lock.retainUntil(from: now).timeIntervalSince1970 == 1_800_172_801)
    }
}
