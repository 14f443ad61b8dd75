import Foundation
import LifeboatCore
import LifeboatPipeline
import LifeboatStorage

/// Fetches one chunk of a backup from the first destination that holds a good copy: the copy is
/// downloaded to a temporary file (ciphertext only) and its size and sha256 checked before use.
struct ChunkFetcher {
    let destinations: [Destination]
    let prefix: String
    let workDirectory: String

    /// A chunk that verified, and where it came from.
    struct Fetched {
        let path: String
        let destination: String
        let problems: [String]
    }

    func fetch(_ chunk: Manifest.Chunk) async throws -> Fetched {
        var problems: [String] = []
        // The name becomes a local path: only `data.NNNNNN` may (a checked manifest holds nothing else).
        guard Manifest.isChunkName(chunk.name) else {
            throw LifeboatError.failed("refusing chunk name \(chunk.name.debugDescription)")
        }
        let path = "\(workDirectory)/\(chunk.name)"
        for destination in destinations {
            do {
                let sink = try FileSink(path: path)
                let found: ObjectDigest
                do {
                    found = try await destination.readDigest(prefix + chunk.name) { try sink.write($0) }
                } catch {
                    sink.abandon()
                    throw error
                }
                let size = found.size
                let digest = found.sha256
                guard size == chunk.size, digest == chunk.sha256 else {
                    sink.abandon()
                    if let recovering = destination as? VersionRecoveringDestination,
                        let fetched = try await earlierVersion(chunk, path: path, at: recovering)
                    {
                        return fetched
                    }
                    problems.append(
                        "\(destination.name): \(chunk.name) is damaged (size \(size), sha256 \(digest.prefix(12))…, expected size \(chunk.size), sha256 \(chunk.sha256.prefix(12))…)"
                    )
                    continue
                }
                try sink.finish()
                return Fetched(path: path, destination: destination.name, problems: problems)
            } catch let e as StorageError {
                problems.append(e.isNotFound ? "\(destination.name): \(chunk.name) is missing" : e.description)
            }
        }
        throw LifeboatError.failed("no good copy of \(chunk.name): " + problems.joined(separator: "; "))
    }

    /// A chunk whose current version was overwritten, read from the earlier version that still matches
    /// the catalog (a versioned bucket keeps it); nil when there is none.
    func earlierVersion(_ chunk: Manifest.Chunk, path: String, at destination: VersionRecoveringDestination)
        async throws -> Fetched?
    {
        let key = prefix + chunk.name
        var sink: FileSink?
        let version = try await IntactVersion.find(key, at: destination, size: chunk.size, sha256: chunk.sha256) {
            version in
            sink?.abandon()
            let s = try FileSink(path: path)
            sink = s
            return try await IntactVersion.readDigest(key, version: version.id, from: destination.history) {
                try s.write($0)
            }
        }
        guard let version, let sink else {
            sink?.abandon()
            return nil
        }
        try sink.finish()
        return Fetched(
            path: path, destination: destination.name,
            problems: ["\(destination.name): \(chunk.name): current version overwritten; read version \(version.id)"])
    }
}
