import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// Publishes `<host>/<policy>/latest.json` (signature first) at every destination that holds a backup
/// once the backup is complete, so a recovery host reads a policy's state with one GET: where the store
/// keeps fields with an object (S3), the index carries its signature in one, besides the signature object.
///
/// The index never goes backwards: an older backup completing late (from the spool) leaves a newer
/// index alone. It is a convenience beside the backup, so failing to write it only logs a warning.
struct LatestIndexWriter {
    let ctx: AgentContext
    let destination: @Sendable (DestinationSpec) throws -> Destination

    /// Writes the index of `record` (when complete) to each of the policy's destinations holding it.
    func publish(_ record: BackupRecord, policy: Policy) async {
        guard record.status == .complete else { return }
        let object: [UInt8]
        let signature: [UInt8]
        do {
            let signer = try ctx.signingKey().fingerprint
            object = try DestinationJSON.encode(Self.index(of: record, policy: policy, signer: signer))
            signature = try SignedObject.sign(object, ctx: ctx)
        } catch {
            ctx.logger.warning("\(policy.name): \(record.id): \(LatestIndex.objectName) not written: \(error)")
            return
        }
        let holding = policy.destinations.filter { spec in
            record.copies.contains { $0.destination == DestinationName(spec.name) && $0.status == .shipped }
        }
        await withTaskGroup(of: Void.self) { group in
            for spec in holding {
                group.addTask { await write(object, signature: signature, of: record, to: spec) }
            }
        }
    }

    /// The index naming `record`, with the policy's objectives.
    static func index(of record: BackupRecord, policy: Policy, signer: String) -> LatestIndex {
        var index = LatestIndex(
            host: record.host, policy: record.policy, kind: record.kind, id: record.id.rawValue,
            started: Timestamp.iso8601(record.started), finished: Timestamp.iso8601(record.finished ?? record.started),
            payload: record.payload, payloadSize: record.payloadSHA256 == nil ? nil : record.bytesIn,
            payloadSHA256: record.payloadSHA256, objectives: policy.manifestObjectives, signer: signer)
        index.wal = record.wal
        index.binlog = record.binlogPosition
        return index
    }

    func write(_ object: [UInt8], signature: [UInt8], of record: BackupRecord, to spec: DestinationSpec) async {
        let prefix = "\(record.host)/\(record.policy)/"
        do {
            let target = try destination(spec)
            if let current = try await published(at: target, host: record.host, policy: record.policy),
                current >= record.id
            {
                ctx.logger.info(
                    "\(record.id): \(spec.name) already names \(current) in \(LatestIndex.objectName); left as it is")
                return
            }
            // The signature before the index: an index that is there is always signed.
            try await target.put(prefix + LatestIndex.signatureName, bytes: signature)
            try await target.put(
                prefix + LatestIndex.objectName, bytes: object, metadata: SignedObject.fields(carrying: signature))
        } catch {
            let message = (error as? StorageError)?.description ?? String(describing: error)
            ctx.logger.warning("\(record.id): \(LatestIndex.objectName) not written to \(spec.name): \(message)")
        }
    }

    /// The backup the destination's index names now, when it is one this host signed and it reads;
    /// nil when there is none or it does not check out (then it is replaced).
    func published(at target: Destination, host: String, policy: String) async throws -> BackupID? {
        let own = try ctx.signingKey().verifyingKey
        do {
            let current = try await SignedLatestIndex.fetch(
                from: target, expecting: LatestIndexReader.Expectation(host: host, policy: policy, now: ctx.now()),
                signers: [own])
            return BackupID(current.index.id)
        } catch let e as SignedLatestIndex.Refusal {
            if !e.missing { ctx.logger.warning("\(host)/\(policy)/\(LatestIndex.objectName) replaced: \(e.reason)") }
            return nil
        }
    }
}
