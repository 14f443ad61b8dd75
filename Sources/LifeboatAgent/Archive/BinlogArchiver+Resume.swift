import Foundation
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage

extension BinlogArchiver {
    /// Whether `destination` already holds this very log, archived by an earlier run that did not
    /// reach every destination: its `manifest.json` (written last, so its chunks are there) is signed
    /// by a trusted signer, names this host, policy and log, and records the same plaintext size and
    /// sha256. Such a destination is not sent the log again; anything else (missing, unreadable,
    /// unsigned, another log) is sent it. Read as hostile input: a forged manifest cannot pass.
    static func holds(
        _ destination: Destination, prefix: String, log: String, host: String, policy: String, size: Int64,
        sha256: String, signers: [OpenPGPVerifyingKey], now: Date
    ) async -> Bool {
        do {
            let bytes = try await SignedObject.readBounded(
                destination, prefix + "manifest.json", limit: ManifestReader.maximumSize)
            _ = try await SignedObject.verify(
                bytes, signatureAt: prefix + Manifest.signatureName, in: destination, signers: signers, now: now)
            let manifest = try BinlogManifest.read(bytes, host: host, policy: policy, name: log)
            return manifest.payloadSHA256 == sha256 && manifest.payloadSize == size
        } catch {
            return false
        }
    }
}
