import Foundation
import LifeboatCore
import LifeboatCrypto
import LifeboatPipeline
import Logging

/// Feeds a backup's chunks, in the manifest's order, through the restore pipeline into a consumer:
/// each chunk is fetched from the first destination with a good copy, fed, and deleted. Restore and
/// drill both stream through here, so a drill times and proves exactly the path a recovery takes.
struct ChunkStream {
    let fetcher: ChunkFetcher
    let keys: [OpenPGPSecretKey]
    let logger: Logger
    /// The backup, for warnings.
    let backup: String
    /// Counts ciphertext fetched (in), plaintext delivered (out) and chunks per destination.
    var meter: ProgressMeter? = nil

    /// What reached the consumer, and how many chunks came from each destination.
    struct Streamed {
        let bytes: Int64
        let chunksByDestination: [String: Int]
    }

    /// Streams every chunk into `consumer`, then ends the message (the MDC is checked before the
    /// consumer sees its end) and finishes the consumer.
    func run(
        _ chunks: [Manifest.Chunk], compression: CompressionAlgorithm, into consumer: ByteSink
    ) async throws -> Streamed {
        var used: [String: Int] = [:]
        let pipeline = RestorePipeline(
            keys: keys, consumer: meter.map { m in MeteredSink(next: consumer, count: m.addOut) } ?? consumer,
            compression: compression)
        for chunk in chunks {
            let fetched = try await fetcher.fetch(chunk)
            for p in fetched.problems {
                logger.warning("backup \(backup): \(p); used the copy at \(fetched.destination)")
            }
            used[fetched.destination, default: 0] += 1
            meter?.addIn(Int(chunk.size))
            meter?.chunkDone(at: fetched.destination)
            try pipeline.feed(chunkFile: fetched.path)
            unlink(fetched.path)
            CrashPoint.hit("restore.chunk-fed")
        }
        let restored = try pipeline.finish()
        return Streamed(bytes: restored.bytes, chunksByDestination: used)
    }
}
