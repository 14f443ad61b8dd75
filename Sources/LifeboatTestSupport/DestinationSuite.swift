import Foundation
import LifeboatStorage
import Testing

/// The behaviour every destination must show, whatever it stores to.
package enum DestinationSuite {
    package static func run(_ d: Destination) async throws {
        let payload = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await d.put("h/p/id/data.000000", bytes: payload)
        #expect(try await d.size("h/p/id/data.000000") == Int64(payload.count))
        #expect(try await d.readAll("h/p/id/data.000000") == payload)

        var tail: [UInt8] = []
        let n = try await d.read("h/p/id/data.000000", offset: 2_999_000) { tail.append(contentsOf: $0) }
        #expect(n == 1000)
        #expect(tail == Array(payload[2_999_000...]))

        try await d.put("h/p/id/data.000000", bytes: [1, 2, 3])
        #expect(try await d.readAll("h/p/id/data.000000") == [1, 2, 3])

        try await d.put("h/p/id/manifest.json", bytes: [])
        #expect(try await d.size("h/p/id/manifest.json") == 0)
        #expect(Set(try await d.list(prefix: "h/p/")) == ["h/p/id/data.000000", "h/p/id/manifest.json"])
        #expect(try await d.list(prefix: "other/").isEmpty)
        try await d.put("h/q/id2/manifest.json", bytes: [7])
        try await d.put("g/p/id3/manifest.json", bytes: [8])
        let top = try await d.listFolders(prefix: "")
        #expect(Set(top) == ["h", "g"], "\(top)")
        #expect(Set(try await d.listFolders(prefix: "h/")) == ["p", "q"])
        #expect(try await d.listFolders(prefix: "h/p/") == ["id"])
        #expect(try await d.listFolders(prefix: "h/p/id/").isEmpty)
        #expect(try await d.listFolders(prefix: "nobody/").isEmpty)
        try await d.remove("h/q/id2/manifest.json")
        try await d.remove("g/p/id3/manifest.json")

        #expect(try await d.size("h/p/id/missing") == nil)
        do {
            _ = try await d.readAll("h/p/id/missing")
            Issue.record("reading a missing object must fail")
        } catch let e as StorageError {
            #expect(e.isNotFound)
        }
        try await d.remove("h/p/id/data.000000")
        try await d.remove("h/p/id/data.000000")
        #expect(try await d.size("h/p/id/data.000000") == nil)
    }
}
