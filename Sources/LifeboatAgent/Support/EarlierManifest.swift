import Foundation
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

/// A backup's manifest as it was before someone overwrote it. On a versioned bucket an overwrite of
/// `manifest.json` (or of its signature) only stacks a new version on top; the versions the host wrote
/// are still there, locked where Object Lock is on. This finds the newest earlier manifest version that
/// a trusted signer signed, pairing it with each version of the signature, so a reader need not give
/// up a backup whose current manifest was tampered with. Bounded: at most `IntactVersion.maximumTried`
/// versions of each object are read, each no larger than the readers' own limits.
enum EarlierManifest {
    /// The accepted manifest, its signer, and the version id it was read from.
    struct Found {
        let manifest: Manifest
        let signer: String
        let version: String
    }

    /// The newest version of `prefix + manifest.json` that verifies, with some version of its signature,
    /// and describes the expected backup; nil when none does. The newest is tried too: when only the
    /// signature was overwritten, it is the manifest, signed by an earlier signature version.
    static func find(
        at destination: VersionRecoveringDestination, prefix: String, expecting: ManifestReader.Expectation,
        signers: [OpenPGPVerifyingKey]
    ) async throws -> Found? {
        let manifestKey = prefix + "manifest.json"
        let real = try await destination.history.versions(of: manifestKey).filter { !$0.isDeleteMarker }
        let manifests = real.filter { ($0.size ?? 0) <= Int64(ManifestReader.maximumSize) }
        guard !manifests.isEmpty else { return nil }
        let signatureKey = prefix + Manifest.signatureName
        var signatures: [[UInt8]] = []
        for version in try await destination.history.versions(of: signatureKey)
        where !version.isDeleteMarker && (version.size ?? 0) <= Int64(DetachedSignature.maximumSize) {
            guard signatures.count < IntactVersion.maximumTried else { break }
            if let bytes = try? await read(
                signatureKey, version: version.id, from: destination.history, limit: DetachedSignature.maximumSize)
            {
                signatures.append(bytes)
            }
        }
        for version in manifests.prefix(IntactVersion.maximumTried) {
            guard
                let bytes = try? await read(
                    manifestKey, version: version.id, from: destination.history, limit: ManifestReader.maximumSize)
            else { continue }
            for signature in signatures {
                guard
                    let signer = try? DetachedSignature.verify(
                        signature: signature, data: bytes, trusted: signers, now: expecting.now
                    ).signer,
                    let manifest = try? ManifestReader.read(bytes, expecting: expecting),
                    manifest.signer == nil || manifest.signer == signer
                else { continue }
                return Found(manifest: manifest, signer: signer, version: version.id)
            }
        }
        return nil
    }

    /// One version read whole, refused past `limit` bytes whatever its listing said.
    static func read(_ key: String, version: String, from history: VersionHistory, limit: Int) async throws
        -> [UInt8]
    {
        var out: [UInt8] = []
        try await history.read(key, version: version, offset: 0) { chunk in
            guard out.count + chunk.count <= limit else {
                throw SignedObject.BoundedReadRefusal(reason: "\(key) version \(version) is over \(limit) bytes")
            }
            out.append(contentsOf: chunk)
        }
        return out
    }
}
