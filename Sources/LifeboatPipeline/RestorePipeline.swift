import LifeboatCore
import LifeboatCrypto

/// The restore half of the pipeline in one place: checked chunk files -> OpenPGP decrypt -> gunzip or zstd ->
/// a consumer. The consumer sees the end of the stream only after the MDC has checked out.
package final class RestorePipeline {
    /// What reached the consumer.
    package struct Result: Sendable {
        /// Plaintext bytes handed to the consumer.
        package let bytes: Int64
    }

    private let counter: CountingTee
    private let decryptor: OpenPGPDecryptor

    /// `keys` are the secret keys to try; `consumer` takes the plaintext and is finished by `finish`.
    package init(keys: [OpenPGPSecretKey], consumer: ByteSink, compression: CompressionAlgorithm = .gzip) {
        counter = CountingTee(next: consumer)
        let inflater: ByteSink =
            switch compression {
            case .gzip: GzipReader(output: counter)
            case .zstd: ZstdFrameReader(output: counter)
            }
        decryptor = OpenPGPDecryptor(keys: keys, output: inflater)
    }

    /// Feeds the next chunk in the manifest's order: a file whose size and sha256 were already checked
    /// against the manifest as it was fetched (the fetch needs that verdict to try another copy).
    package func feed(chunkFile path: String) throws {
        try FileFeeder.feed(path: path, into: decryptor)
    }

    /// Ends the message: checks the MDC, flushes the gunzip stage and finishes the consumer.
    package func finish() throws -> Result {
        try decryptor.finish()
        return Result(bytes: counter.count)
    }
}
