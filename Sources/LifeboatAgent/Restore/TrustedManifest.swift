import Foundation
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage
import Logging

/// A backup's manifest from the first destination whose copy is signed by a trusted signer and
/// describes the backup expected; the chunk list a restore or a drill uses comes from it, never from
/// elsewhere. Why each other copy was refused is part of the error when none is accepted.
enum TrustedManifest {
    static func fetch(
        from destinations: [Destination], prefix: String, expecting: ManifestReader.Expectation,
        signers: [OpenPGPVerifyingKey], allowUnsigned: Bool = false, logger: Logger
    ) async throws -> Manifest {
        var problems: [String] = []
        for destination in destinations {
            do {
                let signed = try await SignedManifest.fetch(
                    from: destination, prefix: prefix, expecting: expecting, signers: signers,
                    allowUnsigned: allowUnsigned)
                if let earlier = signed.earlierVersion { logger.warning("\(destination.name): \(earlier)") }
                if signed.signer == nil {
                    logger.warning("backup \(expecting.id) is not signed; read anyway (--allow-unsigned)")
                }
                return signed.manifest
            } catch let e as SignedManifest.Refusal {
                problems.append("\(destination.name): \(e.reason)")
            } catch let e as StorageError {
                problems.append(e.description)
            }
        }
        if problems.isEmpty { problems.append("no destination holds it") }
        throw LifeboatError.failed("refused: " + problems.joined(separator: "; "))
    }
}
