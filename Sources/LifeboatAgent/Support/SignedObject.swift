import Foundation
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

/// The detached-signature convention every signed object at a destination follows (`manifest.json`,
/// `latest.json`): the host's signing key signs the object's exact bytes, the signature is written
/// first, and a reader accepts the bytes only when a trusted signer's signature over them verifies.
enum SignedObject {
    /// Signs `bytes` with the host's key, as every signature object at a destination is made.
    static func sign(_ bytes: [UInt8], ctx: AgentContext) throws -> [UInt8] {
        try ctx.signingKey().sign(bytes, now: ctx.now())
    }

    /// Why a signature was not accepted: absent, or there and not good.
    enum Failure: Error {
        case missing
        case refused(String)
    }

    /// Reads the signature object `key` and checks it over `bytes` against `signers`; returns the signer.
    /// `sizeFirst` as for `readBounded`.
    static func verify(
        _ bytes: [UInt8], signatureAt key: String, in destination: Destination, signers: [OpenPGPVerifyingKey],
        now: Date, sizeFirst: Bool = true
    ) async throws -> String {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        do {
            let signature = try await readBounded(
                destination, key, limit: DetachedSignature.maximumSize, sizeFirst: sizeFirst)
            return try DetachedSignature.verify(signature: signature, data: bytes, trusted: signers, now: now).signer
        } catch let e as StorageError where e.isNotFound {
            throw Failure.missing
        } catch let e as CryptoError {
            throw Failure.refused("\(name): \(e.description)")
        } catch let e as BoundedReadRefusal {
            throw Failure.refused(e.reason)
        }
    }

    /// Why a small object was not read whole: it is, or grew, over its limit.
    struct BoundedReadRefusal: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// Reads a small object whole, refusing one larger than `limit` before (when `sizeFirst`: one HEAD
    /// more, so nothing over the limit is even asked for) and always while reading it. `fleet`, which
    /// reads thousands of small objects, leaves the HEAD out: the limit still stops the read.
    static func readBounded(
        _ destination: Destination, _ key: String, limit: Int, sizeFirst: Bool = true
    ) async throws -> [UInt8] {
        try await readBoundedWithMetadata(destination, key, limit: limit, sizeFirst: sizeFirst).bytes
    }

    /// `readBounded`, also answering the fields stored with the object (see `signatureField`).
    static func readBoundedWithMetadata(
        _ destination: Destination, _ key: String, limit: Int, sizeFirst: Bool = true
    ) async throws -> (bytes: [UInt8], metadata: [String: String]) {
        let name = key.split(separator: "/").last.map(String.init) ?? key
        if sizeFirst, let size = try await destination.size(key), size > Int64(limit) {
            throw BoundedReadRefusal(reason: "\(name) is \(size) bytes, over the \(limit) allowed")
        }
        let overReason =
            sizeFirst
            ? "\(key) grew past \(limit) bytes while being read" : "\(name) is over the \(limit) bytes allowed"
        var out: [UInt8] = []
        var over = false
        let metadata: [String: String]
        do {
            metadata = try await destination.readWithMetadata(key, offset: 0) { chunk in
                guard out.count + chunk.count <= limit else {
                    over = true
                    throw BoundedReadRefusal(reason: overReason)
                }
                out.append(contentsOf: chunk)
            }
        } catch  where over {
            // A driver may wrap what the consumer threw (S3 does); the refusal is what happened.
            throw BoundedReadRefusal(reason: overReason)
        }
        return (out, metadata)
    }

    /// The field that carries an object's detached signature with the object itself where the store
    /// keeps fields (S3 user metadata), so a reader checks it with one GET; the signature object beside
    /// it stays the reference, for stock tools and for stores without fields.
    static let signatureField = "lifeboat-signature"
    /// S3 keeps at most 2 KiB of fields; a larger signature (an RSA key's) travels only as its object.
    static let maximumFieldLength = 1536

    /// The fields that carry `signature` (base64), or none when it is too large to carry.
    static func fields(carrying signature: [UInt8]) -> [String: String] {
        let text = Data(signature).base64EncodedString()
        return text.count <= maximumFieldLength ? [signatureField: text] : [:]
    }

    /// The signature carried in `metadata`, when there is one that decodes.
    static func carriedSignature(_ metadata: [String: String]) -> [UInt8]? {
        guard let text = metadata[signatureField], text.count <= maximumFieldLength,
            let data = Data(base64Encoded: text)
        else { return nil }
        return [UInt8](data)
    }
}
