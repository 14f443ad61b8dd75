import LifeboatCore
import LifeboatCrypto

/// The backup half of the pipeline in one place: plaintext -> sha256 -> gzip members or zstd frames -> OpenPGP -> chunks with
/// their sha256 -> spool, so callers hand over a producer and get the chunk list back.
package struct BackupPipeline {
    /// What the pipeline spooled: the chunks (names, sizes, sha256) and the bytes in and out.
    package struct Result: Sendable {
        /// The chunks in order, as the manifest lists them.
        package let chunks: [Manifest.Chunk]
        /// Plaintext bytes the producer wrote.
        package let bytesIn: Int64
        /// Ciphertext bytes written to the spool.
        package let bytesOut: Int64
        /// Plaintext bytes the payload hasher saw (equal to `bytesIn`).
        package let payloadSize: Int64
        /// SHA-256 of the plaintext, lowercase hex.
        package let payloadSHA256: String
    }

    package let recipients: [OpenPGPPublicKey]
    package let compressionLevel: Int
    package let compression: CompressionAlgorithm
    package let chunkSize: Int64
    package let spoolDirectory: String
    /// The most the backup may add to the spool (nil: no limit).
    package let maxSpoolBytes: Int64?

    package init(
        recipients: [OpenPGPPublicKey], compressionLevel: Int, chunkSize: Int64, spoolDirectory: String,
        maxSpoolBytes: Int64? = nil, compression: CompressionAlgorithm = .gzip
    ) {
        self.compression = compression
        self.recipients = recipients
        self.compressionLevel = compressionLevel
        self.chunkSize = chunkSize
        self.spoolDirectory = spoolDirectory
        self.maxSpoolBytes = maxSpoolBytes
    }

    /// Builds the stages, lets `produce` write the whole plaintext into the first one and finish it,
    /// and returns what `produce` returned with what was spooled.
    /// `meter`, when given, counts the plaintext taken in and the ciphertext spooled.
    package func run<Output>(meter: ProgressMeter? = nil, _ produce: (ByteSink) throws -> Output) throws -> (
        output: Output, result: Result
    ) {
        let spooler = try ChunkSpooler(directory: spoolDirectory, chunkSize: chunkSize, maxBytes: maxSpoolBytes)
        let encryptor = try OpenPGPEncryptor(
            recipients: recipients, output: meter.map { m in MeteredSink(next: spooler, count: m.addOut) } ?? spooler)
        let compressor: ByteSink =
            switch compression {
            case .gzip: try GzipMemberWriter(level: compressionLevel, output: encryptor)
            case .zstd: try ZstdFrameWriter(level: compressionLevel, output: encryptor)
            }
        let hasher = PayloadHasher(next: compressor)
        let output = try produce(meter.map { m in MeteredSink(next: hasher, count: m.addIn) } ?? hasher)
        guard let sha256 = hasher.sha256 else { throw PayloadHasherError.unfinished }
        return (
            output,
            Result(
                chunks: spooler.chunks, bytesIn: hasher.size, bytesOut: spooler.bytesOut, payloadSize: hasher.size,
                payloadSHA256: sha256)
        )
    }
}
