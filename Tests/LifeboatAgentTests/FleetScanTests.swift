import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatCrypto
import Testing

@testable import LifeboatAgent

/// `fleet` reads every host and policy from the destinations alone: real signed `latest.json` objects at
/// two local destinations, planted and forged ones refused with their reason, hostile folder names
/// skipped, and no request per backup.
@Suite struct FleetScanTests {
    @Test func findsEveryHostAndPolicyAndWhereTheNewestIsHeld() async throws {
        let f = try FleetFixture()
        let web = f.index(host: "web1", policy: "site", age: 3600)
        try f.publish(web, at: "nas")
        try f.publish(web, at: "offsite")
        let older = f.index(host: "db1", policy: "orders", age: 7200)
        let newer = f.index(host: "db1", policy: "orders", age: 600)
        try f.publish(older, at: "nas")
        try f.publish(newer, at: "offsite")
        // A backup folder beside the index: never read.
        try FileManager.default.createDirectory(
            atPath: f.dir.file("nas/db1/orders/\(older.id)"), withIntermediateDirectories: true)
        let report = try await FleetScan(try f.context()).report()
        #expect(report.entries.map(\.name) == ["db1/orders", "web1/site"])
        let db = report.entries[0]
        #expect(db.latest?.id == newer.id && db.holding == ["offsite"])
        #expect(db.problems == ["nas: latest.json names an older backup \(older.id)"])
        let site = report.entries[1]
        #expect(site.latest == web && site.holding == ["nas", "offsite"] && site.problems.isEmpty)
        #expect(report.notes.isEmpty)
        // One listing at the root and one per host, two GETs per index, no HEAD, nothing per backup.
        for (_, counts) in report.requests {
            #expect(counts.listings == 3 && counts.reads == 4 && counts.sizes == 0, "\(counts)")
        }
    }

    @Test func plantedUnsignedForgedAndForeignIndexesAreRefused() async throws {
        let f = try FleetFixture()
        // Unsigned, under a host nobody backs up.
        try f.publish(
            f.index(host: "intruder", policy: "app", age: 60, signer: f.keys["web1"]?.fingerprint), at: "nas",
            signedBy: .some(nil))
        // Signed by web1's trusted key, claiming to be db1's.
        let web1 = try #require(f.keys["web1"])
        try f.publish(
            f.index(host: "db1", policy: "orders", age: 60, signer: web1.fingerprint), at: "nas", signedBy: web1)
        // Signed by a key nobody trusts.
        let (stranger, _) = try OpenPGPSigningKey.generate(userID: "lifeboat host web1", now: f.clock)
        try f.publish(
            f.index(host: "web1", policy: "site", age: 60, signer: stranger.fingerprint), at: "nas", signedBy: stranger)
        // A field changed after signing.
        let good = f.index(host: "web1", policy: "site", age: 60)
        try f.publish(good, at: "offsite")
        let path = f.dir.file("offsite/web1/site/latest.json")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"high\"", with: "\"low\"").write(
            toFile: path, atomically: true, encoding: .utf8)
        // Over the size limit: refused while reading, without a HEAD first.
        try FileManager.default.createDirectory(
            atPath: f.dir.file("offsite/db1/big"), withIntermediateDirectories: true)
        try Data(repeating: 0x20, count: LatestIndex.maximumSize + 1).write(
            to: URL(fileURLWithPath: f.dir.file("offsite/db1/big/latest.json")))

        let report = try await FleetScan(try f.context()).report()
        let byName = Dictionary(uniqueKeysWithValues: report.entries.map { ($0.name, $0) })
        #expect(byName.count == 4)
        let intruder = try #require(byName["intruder/app"])
        #expect(intruder.latest == nil && intruder.problems == ["nas: not signed (no latest.json.sig)"])
        let db = try #require(byName["db1/orders"])
        #expect(db.latest == nil && db.problems.first?.contains("another host's key") == true, "\(db.problems)")
        let site = try #require(byName["web1/site"])
        #expect(site.latest == nil && site.problems.count == 2)
        #expect(site.problems.allSatisfy { $0.contains("latest.json.sig") }, "\(site.problems)")
        let big = try #require(byName["db1/big"])
        #expect(big.problems == ["offsite: latest.json is over the 65536 bytes allowed"], "\(big.problems)")

        let verdicts = FleetJudgement.judge(report.entries, now: f.clock)
        #expect(verdicts.allSatisfy { $0.status == .critical })
        #expect(
            verdicts.first { $0.entry.name == "intruder/app" }?.reasons.contains("nas: not signed (no latest.json.sig)")
                == true)
    }

    @Test func hostileFolderNamesAreSkippedAndReported() async throws {
        let f = try FleetFixture()
        try f.publish(f.index(host: "web1", policy: "site", age: 60), at: "nas")
        let fm = FileManager.default
        for bad in ["nas/bell\u{7}host/p", "nas/web1/Upper", "nas/web1/has space", "nas/web1/a.b"] {
            try fm.createDirectory(atPath: f.dir.file(bad), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: f.dir.file(bad + "/latest.json")))
        }
        let report = try await FleetScan(try f.context()).report()
        #expect(report.entries.map(\.name) == ["web1/site"])
        #expect(report.notes.count == 4, "\(report.notes)")
        #expect(
            report.notes.contains { $0.contains("\"bell\\u{07}host\"") && $0.contains("not a valid host name") },
            "\(report.notes)")
        #expect(report.notes.contains { $0.contains("web1/\"Upper\": not a valid policy name") }, "\(report.notes)")
        #expect(report.notes.allSatisfy { !$0.unicodeScalars.contains { $0.value < 0x20 } })
        #expect(
            FleetJudgement.overall(FleetJudgement.judge(report.entries, now: f.clock), notes: report.notes) >= .warning)
    }

    @Test func namesFromListingsAreChecked() {
        #expect(FleetName.isHost("db1.example.org") && FleetName.isHost("ünïcode"))
        for bad in [
            "", ".", "..", "a/b", "a\\b", "tab\there", "nl\n", "\u{7F}", "zero\u{200B}width",
            String(repeating: "x", count: 256),
        ] {
            #expect(!FleetName.isHost(bad), "\(bad.debugDescription)")
        }
        #expect(FleetName.isPolicy("ratings-db") && FleetName.isPolicy("a1"))
        for bad in ["", "Ratings", "a_b", "a.b", "..", "a/b", "é"] { #expect(!FleetName.isPolicy(bad)) }
    }

    @Test func oneEntryIsReadAtEveryDestination() async throws {
        let f = try FleetFixture()
        try f.publish(f.index(host: "web1", policy: "site", age: 60), at: "offsite")
        let e = try await FleetScan(try f.context()).entry(host: "web1", policy: "site")
        #expect(e.holding == ["offsite"] && e.problems.isEmpty && e.latest != nil)
        await #expect(throws: LifeboatError.self) {
            try await FleetScan(try f.context()).entry(host: "..", policy: "x")
        }
    }

    @Test func drillsAreJoinedInOneQuery() async throws {
        let f = try FleetFixture()
        try f.publish(f.index(host: "web1", policy: "site", age: 60), at: "nas")
        let ctx = try f.context()
        let passed = DrillRecord(
            host: "web1", policy: "site", backupID: nil, started: f.clock - 100, finished: f.clock - 90,
            result: .passed,
            seconds: 10, bytes: 1, rtoSeconds: 3600, detail: "", error: nil)
        var failed = passed
        failed.started = f.clock - 50
        failed.finished = f.clock - 40
        failed.result = .failed
        failed.error = "boom"
        try ctx.catalog.record(passed)
        try ctx.catalog.record(failed)
        let e = try #require(try await FleetScan(ctx).scan().first)
        #expect(e.lastDrill == failed && e.lastPassedDrill == passed)
    }
}
