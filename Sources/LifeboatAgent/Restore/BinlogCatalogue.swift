import Foundation
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

/// The archived binary logs of one mariadb policy as a destination holds them: every
/// `<host>/<policy>/binlog/<name>/manifest.json` whose signature is by a trusted signer and whose fields
/// name that very log. A restore believes nothing about a log that did not come through here.
struct BinlogCatalogue {
    /// The logs, oldest first.
    let logs: [BinlogManifest]

    /// Reads the logs of `policy` at `destination` whose sequence is `from` or later.
    static func read(
        _ destination: Destination, host: String, policy: String, from sequence: Int,
        signers: [OpenPGPVerifyingKey], now: Date
    ) async throws -> BinlogCatalogue {
        let base = "\(host)/\(policy)/binlog/"
        var logs: [BinlogManifest] = []
        for name in try await destination.listFolders(prefix: base) {
            guard let seq = BinlogPosition.sequence(of: name) else { continue }
            guard seq >= sequence else { continue }
            let prefix = BinlogManifest.prefix(host: host, policy: policy, name: name)
            do {
                let bytes = try await SignedObject.readBounded(
                    destination, prefix + "manifest.json", limit: ManifestReader.maximumSize)
                _ = try await SignedObject.verify(
                    bytes, signatureAt: prefix + Manifest.signatureName, in: destination, signers: signers, now: now)
                logs.append(try BinlogManifest.read(bytes, host: host, policy: policy, name: name))
            } catch let e as StorageError where e.isNotFound {
                continue  // a log whose manifest has not landed yet is not archived
            } catch {
                throw LifeboatError.failed(
                    "binary log \(name) at \(destination.name) is not trusted: \(String(describing: error))")
            }
        }
        return BinlogCatalogue(
            logs: logs.sorted {
                (BinlogPosition.sequence(of: $0.name) ?? 0) < (BinlogPosition.sequence(of: $1.name) ?? 0)
            })
    }

    /// The logs of the unbroken run that starts at `first` (empty when `first` itself is missing).
    func run(from first: String) -> [BinlogManifest] {
        guard var expected = BinlogPosition.sequence(of: first) else { return [] }
        var out: [BinlogManifest] = []
        for log in logs {
            guard let seq = BinlogPosition.sequence(of: log.name), seq >= expected else { continue }
            guard seq == expected else { break }
            out.append(log)
            expected += 1
        }
        return out
    }

    /// The first log missing from the unbroken run that starts at `first`, or nil when none is missing.
    /// Names keep the base and the digit count of the logs around them.
    func firstGap(from first: String) -> String? {
        guard let start = BinlogPosition.sequence(of: first) else { return first }
        var expected = start
        for log in logs {
            guard let seq = BinlogPosition.sequence(of: log.name), seq >= start else { continue }
            if seq != expected { return BinlogGap.name(like: first, sequence: expected) }
            expected += 1
        }
        return logs.contains { $0.name == first } ? nil : first
    }
}
