import Foundation
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

/// Reads one backup's `manifest.json` and `manifest.json.sig` from a destination and accepts the
/// manifest only when a trusted signer signed its exact bytes and its fields are what the reader
/// expects. Every reader (restore, verify, rebuild-catalog) goes through here.
struct SignedManifest {
    let manifest: Manifest
    /// The fingerprint of the key that signed it; nil for an unsigned backup read with `--allow-unsigned`.
    let signer: String?

    /// Why a copy of a manifest was not accepted; `missing` tells "not there" from "not trusted".
    struct Refusal: Error, CustomStringConvertible {
        let reason: String
        let missing: Bool
        var description: String { reason }
    }

    /// Fetches and checks the manifest under `prefix` (`<host>/<policy>/<id>/`) at `destination`.
    static func fetch(
        from destination: Destination, prefix: String, expecting: ManifestReader.Expectation,
        signers: [OpenPGPVerifyingKey], allowUnsigned: Bool = false
    ) async throws -> SignedManifest {
        let bytes: [UInt8]
        do {
            bytes = try await readBounded(destination, prefix + "manifest.json", limit: ManifestReader.maximumSize)
        } catch let e as StorageError where e.isNotFound {
            throw Refusal(reason: "manifest.json is missing", missing: true)
        }
        var signer: String?
        do {
            let signature = try await readBounded(
                destination, prefix + Manifest.signatureName, limit: DetachedSignature.maximumSize)
            signer = try DetachedSignature.verify(
                signature: signature, data: bytes, trusted: signers, now: expecting.now
            ).signer
        } catch let e as StorageError where e.isNotFound {
            guard allowUnsigned else {
                throw Refusal(reason: "not signed (no \(Manifest.signatureName))", missing: false)
            }
        } catch let e as CryptoError {
            throw Refusal(reason: "\(Manifest.signatureName): \(e.description)", missing: false)
        }
        let manifest: Manifest
        do {
            manifest = try ManifestReader.read(bytes, expecting: expecting)
        } catch let e as ManifestReader.Refusal {
            throw Refusal(reason: e.reason, missing: false)
        }
        if let signer, let named = manifest.signer, named != signer {
            throw Refusal(reason: "manifest names signer \(named) but was signed by \(signer)", missing: false)
        }
        return SignedManifest(manifest: manifest, signer: signer)
    }

    /// Reads a small object whole, refusing one larger than `limit` before and while reading it.
    static func readBounded(_ destination: Destination, _ key: String, limit: Int) async throws -> [UInt8] {
        if let size = try await destination.size(key), size > Int64(limit) {
            throw Refusal(
                reason:
                    "\(key.split(separator: "/").last.map(String.init) ?? key) is \(size) bytes, over the \(limit) allowed",
                missing: false)
        }
        var out: [UInt8] = []
        try await destination.read(key, offset: 0) { chunk in
            guard out.count + chunk.count <= limit else {
                throw Refusal(reason: "\(key) grew past \(limit) bytes while being read", missing: false)
            }
            out.append(contentsOf: chunk)
        }
        return out
    }
}
