import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage
import LifeboatTestSupport
import Logging

@testable import LifeboatAgent

/// A recovery host in a folder: two local destinations (`nas`, `offsite`), a signing key per backup host
/// trusted by the recovery config, and helpers that publish real signed `latest.json` objects.
final class FleetFixture {
    let dir: TemporaryDirectory
    let clock = Date(timeIntervalSince1970: 1_750_000_000)
    var keys: [String: OpenPGPSigningKey] = [:]

    init(hosts: [String] = ["web1", "db1"]) throws {
        dir = try TemporaryDirectory(prefix: "fleet")
        let fm = FileManager.default
        for d in ["nas", "offsite"] { try fm.createDirectory(atPath: dir.file(d), withIntermediateDirectories: true) }
        try "not read by fleet".write(toFile: dir.file("ops.sec.asc"), atomically: true, encoding: .utf8)
        for h in hosts {
            let (key, _) = try OpenPGPSigningKey.generate(userID: "lifeboat host \(h)", now: clock - 86400)
            keys[h] = key
            try key.publicArmored.write(toFile: dir.file("\(h).pub.asc"), atomically: true, encoding: .utf8)
        }
        let signers = hosts.map { "\($0).pub.asc" }.joined(separator: ", ")
        try """
        role: recovery
        catalog: state/recovery.sqlite
        scratch: state/scratch
        destinations:
          - { name: nas, type: local, path: nas }
          - { name: offsite, type: local, path: offsite }
        identities: [{ key: ops.sec.asc }]
        trusted_signers: [\(signers)]
        """.write(toFile: dir.file("recovery.yaml"), atomically: true, encoding: .utf8)
    }

    func context(at now: Date? = nil) throws -> RecoveryContext {
        let config = try RecoveryConfig.load(file: dir.file("recovery.yaml"))
        let at = now ?? clock
        return try RecoveryContext(
            config: config, catalog: try RecoveryCatalog(path: config.catalog), logger: Logger(label: "test"),
            now: { at })
    }

    /// An index of `host/policy` naming a backup that started `age` seconds before the clock.
    func index(host: String, policy: String, age: TimeInterval, rpo: Int64 = 86400, signer: String? = nil)
        -> LatestIndex
    {
        let started = clock - age
        return LatestIndex(
            host: host, policy: policy, kind: "files", id: BackupID(date: started).rawValue,
            started: Timestamp.iso8601(started), finished: Timestamp.iso8601(started + 5), payload: "tar",
            payloadSize: 10, payloadSHA256: String(repeating: "a", count: 64),
            objectives: .init(
                rpo: rpo, rto: 3600, priority: "high", scenario: "disk dies", schedule: 3600, drill: 30 * 86400),
            signer: signer ?? keys[host]?.fingerprint ?? "")
    }

    /// Writes `index` (signed by `signedBy`, default its host's key; nil: unsigned) under `destination`.
    func publish(_ index: LatestIndex, at destination: String, signedBy: OpenPGPSigningKey?? = .none) throws {
        let folder = dir.file("\(destination)/\(index.host)/\(index.policy)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bytes = try DestinationJSON.encode(index)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/latest.json"))
        let key: OpenPGPSigningKey? =
            switch signedBy {
            case .none: keys[index.host]
            case .some(let k): k
            }
        if let key {
            try Data(try key.sign(bytes, now: clock)).write(to: URL(fileURLWithPath: folder + "/latest.json.sig"))
        }
    }
}
