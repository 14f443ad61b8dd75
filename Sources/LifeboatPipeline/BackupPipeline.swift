import LifeboatCore
import LifeboatCrypto

/// The backup half of the pipeline in one place: plaintext -> gzip members -> OpenPGP -> chunks with
/// their sha256 -> spool, so callers hand over a producer and get the chunk list back.
public struct BackupPipeline {
    /// What the pipeline spooled: the chunks (names, sizes, sha256) and the bytes in and out.
    public struct Result: Sendable {
        /// The chunks in order, as the manifest lists them.
        public let chunks: [Manifest.Chunk]
        /// Plaintext bytes the producer wrote.
        public let bytesIn: Int64
        /// Ciphertext bytes written to the spool.
        public let bytesOut: Int64
    }

    public let recipients: [OpenPGPPublicKey]
    public let compressionLevel: Int
    public let chunkSize: Int64
    public let spoolDirectory: String
    /// The most the backup may add to the spool (nil: no limit).
    public let maxSpoolBytes: Int64?

    public init(
        recipients: [OpenPGPPublicKey], compressionLevel: Int, chunkSize: Int64, spoolDirectory: String,
        maxSpoolBytes: Int64? = nil
    ) {
        self.recipients = recipients
        self.compressionLevel = compressionLevel
        self.chunkSize = chunkSize
        self.spoolDirectory = spoolDirectory
        self.maxSpoolBytes = maxSpoolBytes
    }

    /// Builds the stages, lets `produce` write the whole plaintext into the first one and finish it,
    /// and returns what `produce` returned with what was spooled.
    public func run<Output>(_ produce: (ByteSink) throws -> Output) throws -> (output: Output, result: Result) {
        let spooler = try ChunkSpooler(directory: spoolDirectory, chunkSize: chunkSize, maxBytes: maxSpoolBytes)
        let encryptor = try OpenPGPEncryptor(recipients: recipients, output: spooler)
        let gzip = try GzipMemberWriter(level: compressionLevel, output: encryptor)
        let output = try produce(gzip)
        return (output, Result(chunks: spooler.chunks, bytesIn: gzip.bytesIn, bytesOut: spooler.bytesOut))
    }
}
