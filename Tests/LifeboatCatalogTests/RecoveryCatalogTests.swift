import Foundation
import LifeboatCatalog
import LifeboatTestSupport
import Testing

/// The recovery host's drill catalog keeps every drill and answers "the newest drill of each policy"
/// in one query, whatever order drills were recorded in.
@Suite struct RecoveryCatalogTests {
    func drill(_ host: String, _ policy: String, at t: Double, _ result: DrillRecord.Result, seconds: Double = 2)
        -> DrillRecord
    {
        DrillRecord(
            host: host, policy: policy, backupID: "20261129T100000Z-0001", started: Date(timeIntervalSince1970: t),
            finished: Date(timeIntervalSince1970: t + seconds), result: result, seconds: seconds, bytes: 1234,
            rtoSeconds: 60, detail: "3 tables", error: result == .failed ? "chunk data.000001 is damaged" : nil)
    }

    @Test func keepsEveryDrillAndFindsTheNewestOfEachPolicy() throws {
        let c = try RecoveryCatalog()
        try c.record(drill("db1", "orders", at: 2000, .failed))
        try c.record(drill("db1", "orders", at: 1000, .passed))
        try c.record(drill("db2", "orders", at: 1500, .passed, seconds: 90))
        try c.record(drill("db1", "config", at: 500, .passed))

        #expect(try c.lastDrill(host: "db1", policy: "orders") == drill("db1", "orders", at: 2000, .failed))
        #expect(try c.lastDrill(host: "db3", policy: "orders") == nil)
        let last = try c.lastDrills()
        #expect(Set(last.keys) == ["db1/orders", "db2/orders", "db1/config"])
        #expect(last["db1/orders"]?.result == .failed)
        #expect(last["db1/orders"]?.error == "chunk data.000001 is damaged")
        #expect(try c.drills(host: "db1", policy: "orders").map(\.started.timeIntervalSince1970) == [2000, 1000])
    }

    @Test func aDrillMeetsItsRTOOnlyWhenItPassedInTime() {
        #expect(drill("h", "p", at: 0, .passed, seconds: 59).metRTO)
        #expect(!drill("h", "p", at: 0, .passed, seconds: 61).metRTO)
        #expect(!drill("h", "p", at: 0, .failed, seconds: 1).metRTO)
        var noRTO = drill("h", "p", at: 0, .passed, seconds: 1e6)
        noRTO.rtoSeconds = nil
        #expect(noRTO.metRTO)
    }

    @Test func survivesReopeningFromDisk() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("state/recovery.sqlite")
        try RecoveryCatalog(path: path).record(drill("db1", "orders", at: 1000, .passed))
        #expect(try RecoveryCatalog(path: path).lastDrill(host: "db1", policy: "orders")?.bytes == 1234)
    }
}
