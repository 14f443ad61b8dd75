import LifeboatCore
import LifeboatDigest

/// Hashes the plaintext on its way into gzip, so the manifest can name the payload's own size and
/// sha256: what a restore must produce, checkable after `gpg -d | gunzip` with stock tools.
///
/// It hashes on the producer's thread, in the same pass that hands the bytes on, so the plaintext
/// is read once more from cache rather than copied again.
package final class PayloadHasher: ByteSink {
    private let hasher = DigestHasher(.sha256)
    private let next: ByteSink
    /// Plaintext bytes seen so far.
    package private(set) var size: Int64 = 0
    /// The lowercase hex sha256, set once `finish` has run.
    package private(set) var sha256: String?

    package init(next: ByteSink) { self.next = next }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard sha256 == nil else { throw PayloadHasherError.finished }
        hasher.update(bytes)
        size += Int64(bytes.count)
        try next.write(bytes)
    }

    package func finish() throws {
        if sha256 == nil { sha256 = hasher.finalize().hexString }
        try next.finish()
    }
}

/// Why the payload's digest is not there: the hasher was used after the stream ended, or the
/// producer returned without ending it.
package enum PayloadHasherError: Error, CustomStringConvertible {
    case finished, unfinished
    package var description: String {
        switch self {
        case .finished: "payload hasher used after finish"
        case .unfinished: "the source returned without finishing its stream"
        }
    }
}
