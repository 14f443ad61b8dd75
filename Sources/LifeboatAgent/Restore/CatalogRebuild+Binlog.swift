import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

extension CatalogRebuild {
    /// Records in the catalog's binary log table the archived logs of a `binlog` policy, from their
    /// signed manifests at the destinations (`BinlogCatalogue`): the table says what is archived at every
    /// destination, so a log is recorded only when every destination holds it, and nothing when one
    /// could not be read (the next `run` then ships again what it cannot know is there). Without it a
    /// new host's `run` would archive again every log the server still has and `check` would see none.
    /// Returns how many logs were recorded; what could not be read or was refused goes to `problems`.
    func rebuildBinlogs(
        _ policy: Policy, owner: String, signers: [OpenPGPVerifyingKey], problems: inout [String]
    ) async -> Int {
        guard policy.binlog != nil else { return 0 }
        var common: [String: BinlogManifest]?
        for spec in policy.destinations {
            do {
                let destination = try DestinationFactory.makeReading(spec, logger: ctx.logger)
                let logs = try await BinlogCatalogue.read(
                    destination, host: owner, policy: policy.name, from: 0, signers: signers, now: ctx.now()
                ).logs
                let byName = Dictionary(logs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
                common =
                    common.map { known in
                        known.filter { byName[$0.key]?.payloadSHA256 == $0.value.payloadSHA256 }
                    } ?? byName
            } catch {
                problems.append(
                    "\(spec.name): binary logs not recorded: \((error as? LifeboatError)?.description ?? String(describing: error))"
                )
                return 0
            }
        }
        var recorded = 0
        for log in (common ?? [:]).values {
            guard let sequence = BinlogPosition.sequence(of: log.name) else { continue }
            do {
                try ctx.catalog.recordBinlog(
                    policy: policy.name,
                    ArchivedBinlog(
                        name: log.name, sequence: sequence, size: log.payloadSize, sha256: log.payloadSHA256,
                        rotated: log.rotatedDate, archived: ctx.now()))
                recorded += 1
            } catch {
                problems.append("binary log \(log.name): not recorded: \(error)")
            }
        }
        return recorded
    }
}
