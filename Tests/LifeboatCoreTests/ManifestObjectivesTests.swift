import Foundation
import Testing

@testable import LifeboatCore

/// The objectives and payload digest a manifest carries are hostile input like every other field, and
/// a manifest written before they existed still reads.
@Suite struct ManifestObjectivesTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)
    var backupID: BackupID { BackupID(date: now.addingTimeInterval(-3600), random: "abcdef") }
    var expectation: ManifestReader.Expectation {
        .init(host: "db1", policy: "orders", kind: "sqlite", id: backupID, now: now)
    }
    static let objectives = Manifest.Objectives(
        rpo: 86400, rto: 3600, priority: "high", scenario: "the disk dies", schedule: 21600, drill: 30 * 86400)
    static let digest = String(repeating: "0123456789abcdef", count: 4)

    func manifest(_ edit: (inout Manifest) -> Void = { _ in }) -> Manifest {
        let stamp = Timestamp.iso8601(now.addingTimeInterval(-3600))
        var m = Manifest(
            host: "db1", policy: "orders", kind: "sqlite", id: backupID.rawValue, started: stamp, finished: stamp,
            payload: "sqlite", recipients: [String(repeating: "A", count: 40)], bytesIn: 10, bytesOut: 20,
            lockWindowMs: nil, chunks: [.init(name: "data.000000", size: 20, sha256: Self.digest)])
        m.objectives = Self.objectives
        m.payloadSize = 10
        m.payloadSHA256 = Self.digest
        edit(&m)
        return m
    }

    func read(_ m: Manifest) throws -> Manifest {
        try ManifestReader.read(try DestinationJSON.encode(m), expecting: expectation)
    }

    @Test func theFieldsAreWrittenUnderTheirNamesAndReadBack() throws {
        let json = String(decoding: try DestinationJSON.encode(manifest()), as: UTF8.self)
        for key in [
            "\"objectives\"", "\"rpo\" : 86400", "\"rto\" : 3600", "\"priority\" : \"high\"", "\"drill\"",
            "\"schedule\" : 21600", "\"scenario\"", "\"payload_size\" : 10", "\"payload_sha256\"",
        ] {
            #expect(json.contains(key), "\(key)")
        }
        let m = try read(manifest())
        #expect(m.objectives == Self.objectives)
        #expect(m.payloadSHA256 == Self.digest)
    }

    @Test func aManifestWithoutThemStillReads() throws {
        let m = try read(
            manifest {
                $0.objectives = nil
                $0.payloadSize = nil
                $0.payloadSHA256 = nil
            })
        #expect(m.objectives == nil && m.payloadSize == nil)
        // An RTO is optional within objectives too.
        #expect(try read(manifest { $0.objectives?.rto = nil }).objectives?.rto == nil)
    }

    @Test func everyNewFieldIsChecked() throws {
        let cases: [(String, (inout Manifest) -> Void)] = [
            ("objectives.rpo is 0", { $0.objectives?.rpo = 0 }),
            ("objectives.rto is -5", { $0.objectives?.rto = -5 }),
            ("objectives.schedule", { $0.objectives?.schedule = DurationValue.maximum.seconds + 1 }),
            ("objectives.drill", { $0.objectives?.drill = -1 }),
            ("objectives.priority 'urgent'", { $0.objectives?.priority = "urgent" }),
            ("objectives.scenario is 4097 bytes", { $0.objectives?.scenario = String(repeating: "x", count: 4097) }),
            ("payload_sha256 is not", { $0.payloadSHA256 = Self.digest.uppercased() }),
            ("payload_sha256 is not", { $0.payloadSHA256 = String(Self.digest.dropLast()) }),
            ("payload_sha256 is not", { $0.payloadSHA256 = String(Self.digest.dropLast()) + "g" }),
            ("present together", { $0.payloadSHA256 = nil }),
            ("present together", { $0.payloadSize = nil }),
            ("payload_size is negative", { $0.payloadSize = -1 }),
            ("differs from bytes_in", { $0.payloadSize = 11 }),
        ]
        for (reason, edit) in cases {
            let e = #expect(throws: ManifestReader.Refusal.self) { try read(manifest(edit)) }
            #expect(e?.reason.contains(reason) == true, "\(reason): \(String(describing: e))")
        }
    }

    @Test func wrongTypesAreRefused() throws {
        let good = String(decoding: try DestinationJSON.encode(manifest()), as: UTF8.self)
        for (from, to) in [
            ("\"rpo\" : 86400", "\"rpo\" : \"24h\""), ("\"payload_size\" : 10", "\"payload_size\" : 1.5"),
            ("\"priority\" : \"high\"", "\"priority\" : 1"), ("\"drill\" : 2592000", "\"drill\" : null"),
        ] {
            let bad = good.replacingOccurrences(of: from, with: to)
            #expect(bad != good, "\(from)")
            let e = #expect(throws: ManifestReader.Refusal.self) {
                try ManifestReader.read(Array(bad.utf8), expecting: expectation)
            }
            #expect(e?.reason.hasPrefix("manifest is not valid") == true, "\(from): \(String(describing: e))")
        }
    }
}
