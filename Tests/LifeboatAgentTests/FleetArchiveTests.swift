import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatCrypto
import LifeboatDigest
import LifeboatStorage
import Testing

@testable import LifeboatAgent

/// `fleet` on a policy that archives WAL or binary logs: hostile listing names are never candidates, a
/// file whose signature does not verify is not trusted (the next older one is), a gap since the base
/// backup or dump is CRITICAL naming the first missing file, and the archive's age is the RPO age.
@Suite struct FleetArchiveTests {
    static let seg = "00000001000000000000000"  // + one hex digit

    // MARK: listings

    @Test func hostileWALNamesAreNotCandidates() {
        let folder = "db1/pg/wal/00000001/"
        let keys =
            [
                "\(Self.seg)3", "\(Self.seg)3.sig",  // good
                "\(Self.seg)4",  // no signature: not archived yet
                "\(Self.seg)5.sig",  // a signature without its message
                "00000002000000000000000A", "00000002000000000000000A.sig",  // another timeline's name here
                "000000010000000000000006x", "000000010000000000000006x.sig",
                "0000000100000000000000a7", "0000000100000000000000a7.sig",  // lower case is not PostgreSQL's
                "../../etc/passwd", "sub/\(Self.seg)8", "sub/\(Self.seg)8.sig",
            ].map { folder + $0 } + ["elsewhere/\(Self.seg)9", "elsewhere/\(Self.seg)9.sig"]
        let r = FleetArchiveListing.walFiles(keys, folder: folder, timeline: 1)
        #expect(r.names.map(\.name) == ["\(Self.seg)3"])
        #expect(r.skipped == 11)
    }

    @Test func timelinesAreEightUpperCaseHexDigitsNewestFirst() {
        let r = FleetArchiveListing.timelines(["00000001", "00000003", "0000000g", "00000000", "1", "0000000A", ".."])
        #expect(r.names == [10, 3, 1])
        #expect(r.skipped == 4)
    }

    @Test func binlogsNeedTheirManifestAndALogName() {
        let folder = "db1/maria/binlog/"
        let keys = [
            "mysql-bin.000002/chunk-000000", "mysql-bin.000002/manifest.json.sig", "mysql-bin.000002/manifest.json",
            "mysql-bin.000010/manifest.json", "mysql-bin.000003/chunk-000000",  // 3: manifest not landed yet
            "../evil.000004/manifest.json", "mysql-bin.000005/x/manifest.json", ".hidden.000006/manifest.json",
            "mysql-bin.7/manifest.json",
        ].map { folder + $0 }
        let r = FleetArchiveListing.binlogs(keys, folder: folder)
        #expect(r.names == ["mysql-bin.000002", "mysql-bin.000010"])
        #expect(r.skipped == 4)
    }

    // MARK: probing real signed objects in a local destination

    /// Writes WAL file `name` of `host/policy` under `nas`, its signature over its record made by `key`
    /// at `at` (or over `record` when given: a forgery with a real signature).
    func writeWAL(
        _ f: FleetFixture, _ name: String, key: OpenPGPSigningKey, at: Date, host: String = "db1",
        record: [UInt8]? = nil
    ) throws {
        let file = try #require(WALFileName(name))
        let path = f.dir.file("nas/" + WALArchiveLayout.key(host: host, policy: "pg", file: file))
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let message = Array("message of \(name)".utf8)
        try Data(message).write(to: URL(fileURLWithPath: path))
        var h = SHA256Hasher()
        h.update(message)
        let sha256 = h.finalize().hexString
        let signed =
            record
            ?? WALArchiveLayout.signedRecord(
                host: host, policy: "pg", file: file, sha256: sha256, size: Int64(message.count))
        try Data(try key.sign(signed, now: at)).write(to: URL(fileURLWithPath: path + ".sig"))
    }

    func probe(_ f: FleetFixture) throws -> FleetArchiveProbe {
        let ctx = try f.context()
        return FleetArchiveProbe(destination: ctx.destinations[0], signers: ctx.signers, now: f.clock)
    }

    @Test func newestVerifiedWALDatesTheArchiveAndAForgedOneIsNotTrusted() async throws {
        let f = try FleetFixture()
        let key = try #require(f.keys["db1"])
        for (i, digit) in ["3", "4", "5"].enumerated() {
            try writeWAL(f, Self.seg + digit, key: key, at: f.clock - 300 + Double(i) * 60)
        }
        // 6: a real signature by the trusted key, but over another file's record.
        try writeWAL(
            f, Self.seg + "6", key: key, at: f.clock - 10,
            record: Array("lifeboat-wal 1\nhost db1\npolicy pg\nname \(Self.seg)5\n".utf8))
        // 7: signed by another host's key, which may vouch only for its own host.
        try writeWAL(f, Self.seg + "7", key: try #require(f.keys["web1"]), at: f.clock - 5)
        let base = BaseBackupWAL(
            timeline: 1, start: PostgresLSN(3 * (16 << 20) + 40), stop: PostgresLSN(3 * (16 << 20) + 400))
        let p = try probe(f)
        let at = try #require(await p.wal(host: "db1", policy: "pg", base: base))
        #expect(at.newest == .init(name: Self.seg + "5", time: f.clock - 180))
        #expect(at.firstMissing == nil)
        #expect(at.notes.count == 2)
        #expect(
            at.notes.contains { $0.hasPrefix("nas: archived WAL \(Self.seg)7 not trusted: signed by another host") })
        #expect(at.notes.contains { $0.hasPrefix("nas: archived WAL \(Self.seg)6 not trusted:") })
    }

    @Test func aChangedMessageIsNotTrustedAndTriesAreBounded() async throws {
        let f = try FleetFixture()
        let key = try #require(f.keys["db1"])
        for digit in ["1", "2", "3", "4", "5"] { try writeWAL(f, Self.seg + digit, key: key, at: f.clock - 60) }
        for digit in ["3", "4", "5"] {
            let file = try #require(WALFileName(Self.seg + digit))
            try Data("changed".utf8).write(
                to: URL(
                    fileURLWithPath: f.dir.file("nas/" + WALArchiveLayout.key(host: "db1", policy: "pg", file: file))))
        }
        let p = try probe(f)
        let at = try #require(await p.wal(host: "db1", policy: "pg", base: nil))
        #expect(at.newest == nil)  // 1 and 2 verify, but only three files are tried
        #expect(at.notes.count == FleetArchiveProbe.tries)
        #expect(at.notes.allSatisfy { $0.contains("not trusted: bad signature") })
    }

    @Test func aMissingSegmentSinceTheBaseBackupIsNamed() async throws {
        let f = try FleetFixture()
        let key = try #require(f.keys["db1"])
        for digit in ["2", "3", "5", "6"] { try writeWAL(f, Self.seg + digit, key: key, at: f.clock - 30) }
        let base = BaseBackupWAL(timeline: 1, start: PostgresLSN(3 * (16 << 20)), stop: PostgresLSN(3 * (16 << 20) + 9))
        let p = try probe(f)
        let at = try #require(await p.wal(host: "db1", policy: "pg", base: base))
        #expect(at.firstMissing == Self.seg + "4")
        #expect(at.newest?.name == Self.seg + "6")
    }

    @Test func aNewTimelineWithOnlyItsHistoryFileFallsBackToTheOneBefore() async throws {
        let f = try FleetFixture()
        let key = try #require(f.keys["db1"])
        for digit in ["2", "3"] { try writeWAL(f, Self.seg + digit, key: key, at: f.clock - 30) }
        try writeWAL(f, "00000002.history", key: key, at: f.clock - 20)
        let p = try probe(f)
        let at = try #require(await p.wal(host: "db1", policy: "pg", base: nil))
        #expect(at.newest?.name == Self.seg + "3" && at.notes.isEmpty)
    }

    /// A restored server promoted to timeline 2 at segment 4 and archived on: timeline 1's segments
    /// after the switch never reached the archive (the old primary died) and are no gap; the new
    /// timeline's are followed, and a hole in them is named.
    @Test func theGapCheckFollowsATimelineThatBranchedOffAfterTheBaseBackup() async throws {
        let f = try FleetFixture()
        let key = try #require(f.keys["db1"])
        for digit in ["2", "3"] { try writeWAL(f, Self.seg + digit, key: key, at: f.clock - 60) }
        try writeWAL(f, "00000002.history", key: key, at: f.clock - 40)
        let t2 = "00000002000000000000000"
        for digit in ["4", "5", "7"] { try writeWAL(f, t2 + digit, key: key, at: f.clock - 30) }
        let base = BaseBackupWAL(timeline: 1, start: PostgresLSN(2 * (16 << 20)), stop: PostgresLSN(2 * (16 << 20) + 9))
        let p = try probe(f)
        let at = try #require(await p.wal(host: "db1", policy: "pg", base: base))
        #expect(at.newest?.name == t2 + "7")
        #expect(at.firstMissing == t2 + "6")
        // With the hole filled, nothing is missing: timeline 1 after segment 3 is not needed.
        try writeWAL(f, t2 + "6", key: key, at: f.clock - 30)
        let again = try #require(await p.wal(host: "db1", policy: "pg", base: base))
        #expect(again.firstMissing == nil)
    }

    @Test func noWALFolderIsNoArchive() async throws {
        let f = try FleetFixture()
        let p = try probe(f)
        #expect(await p.wal(host: "db1", policy: "pg", base: nil) == nil)
        #expect(await p.binlog(host: "db1", policy: "pg", start: nil) == nil)
    }

    func writeBinlog(_ f: FleetFixture, _ name: String, rotated: Date, key: OpenPGPSigningKey, policy: String = "maria")
        throws
    {
        let manifest = BinlogManifest(
            host: "db1", policy: policy, name: name, rotated: rotated, compression: .gzip,
            recipients: [String(repeating: "A", count: 40)], signer: key.fingerprint, payloadSize: 10,
            payloadSHA256: String(repeating: "b", count: 64), bytesOut: 5,
            chunks: [.init(name: Manifest.chunkName(0), size: 5, sha256: String(repeating: "c", count: 64))])
        let folder = f.dir.file("nas/" + BinlogManifest.prefix(host: "db1", policy: "maria", name: name))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bytes = try DestinationJSON.encode(manifest)
        try Data(try key.sign(bytes, now: rotated)).write(to: URL(fileURLWithPath: folder + Manifest.signatureName))
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "manifest.json"))
    }

    @Test func binlogsAreDatedByTheirSignedManifestAndAGapSinceTheDumpIsNamed() async throws {
        let f = try FleetFixture()
        let key = try #require(f.keys["db1"])
        try writeBinlog(f, "mysql-bin.000003", rotated: f.clock - 400, key: key)
        try writeBinlog(f, "mysql-bin.000005", rotated: f.clock - 200, key: key)
        try writeBinlog(f, "mysql-bin.000006", rotated: f.clock - 100, key: key)
        // 7: a manifest naming another policy (copied from elsewhere) is not trusted.
        try writeBinlog(f, "mysql-bin.000007", rotated: f.clock - 50, key: key, policy: "other")
        let p = try probe(f)
        let at = try #require(
            await p.binlog(host: "db1", policy: "maria", start: BinlogPosition(file: "mysql-bin.000003", position: 4)))
        #expect(at.newest == .init(name: "mysql-bin.000006", time: f.clock - 100))
        #expect(at.firstMissing == "mysql-bin.000004")
        #expect(at.notes.count == 1 && at.notes[0].contains("mysql-bin.000007 not trusted"))
        // A dump newer than every archived log is not a gap: the logs after it are not archived yet.
        let later = try #require(
            await p.binlog(host: "db1", policy: "maria", start: BinlogPosition(file: "mysql-bin.000009", position: 4)))
        #expect(later.firstMissing == nil)
    }

    // MARK: judgement

    let now = Date(timeIntervalSince1970: 1_750_000_000)

    func entry(backupAge: TimeInterval, rpo: Int64 = 300, archive: FleetArchive?) -> FleetEntry {
        let started = now - backupAge
        var latest = LatestIndex(
            host: "db1", policy: "pg", kind: "postgres", id: BackupID(date: started).rawValue,
            started: Timestamp.iso8601(started), finished: Timestamp.iso8601(started + 5), payload: "postgres-physical",
            payloadSize: nil, payloadSHA256: nil,
            objectives: .init(rpo: rpo, rto: 3600, priority: "high", scenario: nil, schedule: 86400, drill: 86400),
            signer: String(repeating: "A", count: 40))
        latest.wal = BaseBackupWAL(timeline: 1, start: PostgresLSN(0), stop: PostgresLSN(1))
        var e = FleetEntry(host: "db1", policy: "pg", latest: latest, holding: ["nas"], problems: [], lastDrill: nil)
        e.lastDrill = DrillRecord(
            host: "db1", policy: "pg", backupID: nil, started: now - 100, finished: now - 60, result: .passed,
            seconds: 40, bytes: 1, rtoSeconds: 3600, detail: "", error: nil)
        e.archive = archive
        return e
    }

    func archive(_ ages: [TimeInterval?], gap: String? = nil, notes: [String] = []) -> FleetArchive {
        FleetArchive(
            kind: .wal,
            destinations: ages.enumerated().map { i, age in
                .init(
                    destination: ["nas", "offsite"][i],
                    newest: age.map { .init(name: Self.seg + "\(i + 3)", time: now - $0) },
                    firstMissing: i == 0 ? gap : nil, notes: i == 0 ? notes : [])
            })
    }

    @Test func theArchiveIsTheRPOAgeWhenYoungerThanTheBackup() {
        let v = FleetJudgement.judge(entry(backupAge: 86400, archive: archive([20, 40])), now: now)
        #expect(v.status == .ok)
        #expect(v.ageSeconds == 40 && v.backupAgeSeconds == 86400 && v.archiveAgeSeconds == 40)
        #expect(v.reasons[0].contains("newest WAL at every destination \(Self.seg)4 is 40s old (rpo 5m)"))
    }

    @Test func archivingThatStoppedIsCriticalLikeASilentHost() {
        let stale = FleetJudgement.judge(entry(backupAge: 86400, archive: archive([400, 400])), now: now)
        #expect(stale.status == .critical)
        #expect(stale.reasons.contains { $0.hasSuffix("out of its rpo") })
        let late = FleetJudgement.judge(entry(backupAge: 86400, archive: archive([260, 10])), now: now)
        #expect(late.status == .warning)
        // Without the archive the same backup would be judged by its own age alone.
        #expect(FleetJudgement.judge(entry(backupAge: 86400, archive: nil), now: now).ageSeconds == 86400)
    }

    @Test func aGapIsCriticalAndNamesTheFirstMissingFile() {
        let v = FleetJudgement.judge(entry(backupAge: 600, archive: archive([10, 10], gap: Self.seg + "7")), now: now)
        #expect(v.status == .critical)
        #expect(
            v.reasons.contains {
                $0.hasPrefix("WAL gap at nas: segment \(Self.seg)7 is missing since base backup")
                    && $0.hasSuffix("point-in-time recovery cannot cross it")
            })
    }

    @Test func aGapInAnArchiveInTimeIsNotASilentHost() {
        let gap = FleetJudgement.judge(
            [entry(backupAge: 600, archive: archive([10, 10], gap: Self.seg + "7"))], now: now)
        #expect(gap[0].status == .critical && !gap[0].isSilent)
        #expect(!gap[0].reasons.contains { $0.contains("is silent") })
        let stale = FleetJudgement.judge([entry(backupAge: 600, archive: archive([400, 400]))], now: now)
        #expect(stale[0].isSilent && stale[0].reasons[0].hasPrefix("host db1 is silent"))
    }

    @Test func aDestinationWithoutAVerifiedFileIsCriticalAndNotesWarn() {
        let none = FleetJudgement.judge(entry(backupAge: 60, archive: archive([10, nil])), now: now)
        #expect(none.status == .critical)
        #expect(none.reasons.contains("no verified archived WAL at every destination (none at offsite)"))
        #expect(none.archiveAgeSeconds == nil && none.ageSeconds == 60)
        let noted = FleetJudgement.judge(
            entry(backupAge: 60, archive: archive([10, 10], notes: ["nas: archived WAL X not trusted: bad"])), now: now)
        #expect(noted.status == .warning)
        #expect(noted.reasons.contains("nas: archived WAL X not trusted: bad"))
    }
}
