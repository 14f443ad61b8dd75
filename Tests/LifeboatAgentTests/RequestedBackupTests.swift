import LifeboatAgent
import LifeboatCore
import Testing

/// A backup named by the user is parsed once: a well-formed id is used, anything else only quoted back.
@Suite struct RequestedBackupTests {
    @Test func aWellFormedIDIsParsed() throws {
        let r = RequestedBackup("20231114T221320Z-abcdef")
        #expect(r.id?.rawValue == "20231114T221320Z-abcdef")
        #expect(r.description == "20231114T221320Z-abcdef")
    }

    @Test func otherTextHasNoIDAndIsQuotedAsGiven() {
        for text in ["nope", "../../etc", "20231114T221320Z-abcdef/..", ""] {
            let r = RequestedBackup(text)
            #expect(r.id == nil)
            #expect(r.description == text)
        }
    }
}
