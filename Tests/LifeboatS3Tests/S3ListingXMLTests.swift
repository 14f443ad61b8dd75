import Foundation
import Testing

@testable import LifeboatS3

/// A listing is a server's answer, hostile until checked: only `CommonPrefixes/Prefix` are folders (the
/// listing's own `<Prefix>` is not one), and a malformed answer yields nothing rather than a crash.
@Suite struct S3ListingXMLTests {
    @Test func foldersComeOnlyFromCommonPrefixes() {
        let body = Array(
            """
            <ListBucketResult><Prefix>db1/</Prefix><Delimiter>/</Delimiter>\
            <Contents><Key>db1/stray.json</Key></Contents>\
            <CommonPrefixes><Prefix>db1/orders/</Prefix></CommonPrefixes>\
            <CommonPrefixes><Prefix>db1/../etc/</Prefix></CommonPrefixes>\
            <IsTruncated>true</IsTruncated><NextContinuationToken>t2</NextContinuationToken></ListBucketResult>
            """.utf8)
        let page = S3XML.listPage(body)
        #expect(page.folders == ["db1/orders/", "db1/../etc/"])
        #expect(page.keys == ["db1/stray.json"])
        #expect(page.truncated)
        #expect(page.nextToken == "t2")
    }

    @Test(arguments: ["", "<ListBucketResult><CommonPrefixes><Prefix>a/", "not xml at all", "<a><b></a>"])
    func aMalformedAnswerYieldsNoFolders(text: String) {
        let page = S3XML.listPage(Array(text.utf8))
        #expect(page.folders.isEmpty)
        #expect(!page.truncated)
    }
}
