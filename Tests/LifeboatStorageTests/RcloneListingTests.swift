import LifeboatStorage
import Testing

/// `rclone lsjson` output is another program's account of a remote server: only what is well formed is used.
@Suite struct RcloneListingTests {
    @Test func readsFilesAndFolders() throws {
        let text = """
            [
            {"Path":"h/p/id/data.000000","Name":"data.000000","Size":1048576,"ModTime":"","IsDir":false},
            {"Path":"h","Name":"h","Size":-1,"MimeType":"inode/directory","ModTime":"2026-11-29T16:57:38Z","IsDir":true}
            ]
            """
        let listing = try RcloneListing.parse(Array(text.utf8))
        #expect(
            listing.entries == [
                .init(path: "h/p/id/data.000000", size: 1_048_576, isDir: false),
                .init(path: "h", size: -1, isDir: true),
            ])
        #expect(try RcloneListing.parse(Array("[]".utf8)).entries.isEmpty)
    }

    @Test func refusesWhatIsMalformedOrHostile() {
        let bad = [
            "", "[", "{}", "[1]", "[{\"Path\":\"a\"}]",
            #"[{"Path":"../x","Name":"x","Size":1,"IsDir":false}]"#,
            #"[{"Path":"/etc/passwd","Name":"passwd","Size":1,"IsDir":false}]"#,
            #"[{"Path":"a//b","Name":"b","Size":1,"IsDir":false}]"#,
            #"[{"Path":"a/b","Name":"c","Size":1,"IsDir":false}]"#,
            #"[{"Path":"a/b","Name":"b","Size":-1,"IsDir":false}]"#,
            #"[{"Path":"a/b","Name":"b","Size":1.5,"IsDir":false}]"#,
            #"[{"Path":"a/b","Name":"b","Size":"1","IsDir":false}]"#,
            #"[{"Path":"a\u0007","Name":"a\u0007","Size":1,"IsDir":false}]"#,
            #"[{"Path":"a","Name":"a","Size":99999999999999999999,"IsDir":false}]"#,
        ]
        for text in bad {
            #expect(throws: RcloneListing.Malformed.self, "\(text)") { try RcloneListing.parse(Array(text.utf8)) }
        }
    }

    @Test func readsOneStatEntry() throws {
        let e = try RcloneListing.parseStat(Array(#"{"Path":"x","Name":"x","Size":11,"IsDir":false}"#.utf8))
        #expect(e == .init(path: "x", size: 11, isDir: false))
        #expect(throws: RcloneListing.Malformed.self) { try RcloneListing.parseStat(Array("[]".utf8)) }
    }
}
