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
    /// Set when the current `manifest.json` was refused and an earlier version of it was accepted (a
    /// versioned bucket keeps what an overwrite hid): says which, for the reader to report.
    var earlierVersion: String? = nil

    /// Why a copy of a manifest was not accepted; `missing` tells "not there" from "not trusted".
    struct Refusal: Error, CustomStringConvertible {
        let reason: String
        let missing: Bool
        var description: String { reason }
    }

    /// Fetches and checks the manifest under `prefix` (`<host>/<policy>/<id>/`) at `destination`. When
    /// the current copy is refused and the store keeps versions, the newest earlier version that a
    /// trusted signer signed (with any version of the signature) is accepted instead, and says so.
    static func fetch(
        from destination: Destination, prefix: String, expecting: ManifestReader.Expectation,
        signers: [OpenPGPVerifyingKey], allowUnsigned: Bool = false
    ) async throws -> SignedManifest {
        do {
            return try await fetchCurrent(
                from: destination, prefix: prefix, expecting: expecting, signers: signers,
                allowUnsigned: allowUnsigned)
        } catch let refusal as Refusal where !refusal.missing {
            guard let recovering = destination as? VersionRecoveringDestination,
                let earlier = try? await EarlierManifest.find(
                    at: recovering, prefix: prefix, expecting: expecting, signers: signers)
            else { throw refusal }
            return SignedManifest(
                manifest: earlier.manifest, signer: earlier.signer,
                earlierVersion:
                    "manifest.json: current version refused (\(refusal.reason)); version \(earlier.version) intact")
        }
    }

    /// The current `manifest.json` and its signature, checked.
    static func fetchCurrent(
        from destination: Destination, prefix: String, expecting: ManifestReader.Expectation,
        signers: [OpenPGPVerifyingKey], allowUnsigned: Bool
    ) async throws -> SignedManifest {
        let bytes: [UInt8]
        do {
            bytes = try await SignedObject.readBounded(
                destination, prefix + "manifest.json", limit: ManifestReader.maximumSize)
        } catch let e as StorageError where e.isNotFound {
            throw Refusal(reason: "manifest.json is missing", missing: true)
        } catch let e as SignedObject.BoundedReadRefusal {
            throw Refusal(reason: e.reason, missing: false)
        }
        var signer: String?
        do {
            signer = try await SignedObject.verify(
                bytes, signatureAt: prefix + Manifest.signatureName, in: destination, signers: signers,
                now: expecting.now)
        } catch SignedObject.Failure.missing {
            guard allowUnsigned else {
                throw Refusal(reason: "not signed (no \(Manifest.signatureName))", missing: false)
            }
        } catch SignedObject.Failure.refused(let reason) {
            throw Refusal(reason: reason, missing: false)
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
}
