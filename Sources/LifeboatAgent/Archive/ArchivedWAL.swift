import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatDigest
import LifeboatStorage

/// What a destination holds of a policy's archived WAL, read as hostile input: the file names that
/// have both their message and their signature, and, for one of them, when it was archived: the
/// creation time of its signature, verified over the record of the bytes actually read. `check` dates
/// the RPO by it; a point-in-time restore knows from it how far the archive reaches.
struct ArchivedWAL {
    let ctx: AgentContext
    let policy: Policy

    /// The WAL files at `destination` whose signature is there too.
    func files(at destination: Destination) async throws -> [WALFileName] {
        let prefix = WALArchiveLayout.prefix(host: ctx.agent.host, policy: policy.name)
        let keys = Set(try await destination.list(prefix: prefix))
        return keys.compactMap { key in
            let name = String(key.split(separator: "/").last ?? "")
            return keys.contains(key + WALArchiveLayout.signatureSuffix) ? WALFileName(name) : nil
        }
    }

    /// When `file` was archived, by its verified signature; throws when it does not verify.
    func archivedAt(_ file: WALFileName, at destination: Destination) async throws -> Date {
        let key = WALArchiveLayout.key(host: ctx.agent.host, policy: policy.name, file: file)
        let signature = try await SignedObject.readBounded(
            destination, key + WALArchiveLayout.signatureSuffix, limit: DetachedSignature.maximumSize)
        var hasher = SHA256Hasher()
        let size = try await destination.read(key, offset: 0) { hasher.update($0) }
        let record = WALArchiveLayout.signedRecord(
            host: ctx.agent.host, policy: policy.name, file: file, sha256: hasher.finalize().hexString, size: size)
        return try DetachedSignature.verify(
            signature: signature, data: record, trusted: try TrustedSigners.load(ctx), now: ctx.now()
        ).created
    }
}
