import Foundation
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

/// A backup's `manifest.json` and `manifest.json.sig` read from the destination a copy starts from,
/// accepted only when a trusted signer signed the manifest's exact bytes and its fields describe the
/// backup expected. The exact bytes are kept: the copy writes them unchanged, so the signature still
/// holds at the target.
struct CopySourceManifest {
    let manifest: Manifest
    let bytes: [UInt8]
    let signature: [UInt8]

    /// Why the source's manifest was not accepted.
    struct Refusal: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    static func fetch(
        from source: Destination, prefix: String, expecting: ManifestReader.Expectation,
        signers: [OpenPGPVerifyingKey]
    ) async throws -> CopySourceManifest {
        let bytes: [UInt8]
        let signature: [UInt8]
        do {
            bytes = try await SignedObject.readBounded(
                source, prefix + "manifest.json", limit: ManifestReader.maximumSize)
        } catch let e as StorageError where e.isNotFound {
            throw Refusal(reason: "manifest.json is missing at \(source.name)")
        } catch let e as SignedObject.BoundedReadRefusal {
            throw Refusal(reason: "\(source.name): \(e.reason)")
        }
        do {
            signature = try await SignedObject.readBounded(
                source, prefix + Manifest.signatureName, limit: DetachedSignature.maximumSize)
        } catch let e as StorageError where e.isNotFound {
            throw Refusal(reason: "not signed at \(source.name) (no \(Manifest.signatureName)); not copied")
        } catch let e as SignedObject.BoundedReadRefusal {
            throw Refusal(reason: "\(source.name): \(e.reason)")
        }
        let signer: String
        do {
            signer = try DetachedSignature.verify(
                signature: signature, data: bytes, trusted: signers, now: expecting.now
            ).signer
        } catch let e as CryptoError {
            throw Refusal(reason: "\(source.name): \(Manifest.signatureName): \(e.description)")
        }
        let manifest: Manifest
        do {
            manifest = try ManifestReader.read(bytes, expecting: expecting)
        } catch let e as ManifestReader.Refusal {
            throw Refusal(reason: "\(source.name): \(e.reason)")
        }
        if let named = manifest.signer, named != signer {
            throw Refusal(reason: "\(source.name): manifest names signer \(named) but was signed by \(signer)")
        }
        return CopySourceManifest(manifest: manifest, bytes: bytes, signature: signature)
    }
}
