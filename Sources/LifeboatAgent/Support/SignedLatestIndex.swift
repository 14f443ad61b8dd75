import Foundation
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

/// Reads a policy's `latest.json` and `latest.json.sig` from a destination and accepts the index only
/// when a trusted signer signed its exact bytes, it names the host and policy it was found under, and
/// every field checks out. There is no unsigned mode: the recovery host judges a fleet by these objects.
package struct SignedLatestIndex: Sendable {
    package let index: LatestIndex
    /// The fingerprint of the key that signed it.
    package let signer: String

    /// Why an index was not accepted; `missing` tells "no backup completed yet" from "not trusted".
    package struct Refusal: Error, CustomStringConvertible, Sendable {
        package let reason: String
        package let missing: Bool
        package var description: String { reason }
    }

    /// The object key of a policy's index: `<host>/<policy>/latest.json`.
    package static func key(host: String, policy: String) -> String {
        "\(host)/\(policy)/\(LatestIndex.objectName)"
    }

    /// Fetches and checks the index of `expecting.host`/`expecting.policy` at `destination`. With
    /// `sizeFirst` false the size limits are enforced while reading, without a HEAD before each GET.
    package static func fetch(
        from destination: Destination, expecting: LatestIndexReader.Expectation, signers: [OpenPGPVerifyingKey],
        sizeFirst: Bool = true
    ) async throws -> SignedLatestIndex {
        let prefix = "\(expecting.host)/\(expecting.policy)/"
        let bytes: [UInt8]
        let metadata: [String: String]
        do {
            (bytes, metadata) = try await SignedObject.readBoundedWithMetadata(
                destination, prefix + LatestIndex.objectName, limit: LatestIndex.maximumSize, sizeFirst: sizeFirst)
        } catch let e as StorageError where e.isNotFound {
            throw Refusal(reason: "\(LatestIndex.objectName) is missing", missing: true)
        } catch let e as SignedObject.BoundedReadRefusal {
            throw Refusal(reason: e.reason, missing: false)
        }
        let signer: String
        do {
            // The signature carried with the object saves the second GET; anything wrong with it and
            // the signature object decides, as it always can.
            if let carried = SignedObject.carriedSignature(metadata),
                let good = try? DetachedSignature.verify(
                    signature: carried, data: bytes, trusted: signers, now: expecting.now)
            {
                signer = good.signer
            } else {
                signer = try await SignedObject.verify(
                    bytes, signatureAt: prefix + LatestIndex.signatureName, in: destination, signers: signers,
                    now: expecting.now, sizeFirst: sizeFirst)
            }
        } catch SignedObject.Failure.missing {
            throw Refusal(reason: "not signed (no \(LatestIndex.signatureName))", missing: false)
        } catch SignedObject.Failure.refused(let reason) {
            throw Refusal(reason: reason, missing: false)
        }
        let index: LatestIndex
        do {
            index = try LatestIndexReader.read(bytes, expecting: expecting)
        } catch {
            throw Refusal(reason: error.reason, missing: false)
        }
        guard index.signer == signer else {
            throw Refusal(
                reason: "\(LatestIndex.objectName) names signer \(index.signer) but was signed by \(signer)",
                missing: false)
        }
        if let key = signers.first(where: { $0.fingerprint == signer }), !Self.mayVouch(key, for: index.host) {
            throw Refusal(
                reason: "\(LatestIndex.objectName) of host \(index.host) was signed by another host's key \(signer)",
                missing: false)
        }
        return SignedLatestIndex(index: index, signer: signer)
    }

    /// A host's own signing key (user id `lifeboat host <name>`) vouches only for that host; a key
    /// without such a user id (an operator's) is trusted for every host it is configured for.
    static func mayVouch(_ key: OpenPGPVerifyingKey, for host: String) -> Bool {
        let prefix = "lifeboat host "
        let hosts = key.userIDs.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        return hosts.isEmpty || hosts.contains(host)
    }
}
