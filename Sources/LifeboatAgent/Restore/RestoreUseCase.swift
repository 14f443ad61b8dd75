import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatPipeline
import LifeboatSources
import LifeboatStorage

/// The `restore` use case: picks the newest restorable backup (or the one named), fetches each chunk
/// from a destination with a good copy, decrypts, gunzips and writes the result into the target;
/// when a backup cannot be restored it walks back to the next older one and says so.
package struct RestoreUseCase {
    package let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    /// What to restore and where.
    package struct Request {
        package var policy: Policy
        package var target: String
        package var identity: OpenPGPSecretKey
        package var backupID: RequestedBackup?
        package var includeSoftDeleted: Bool
        /// When set, the plaintext streams into this loader (a database) instead of `target`.
        package var loader: Loader?
        /// Public keys trusted as signers besides the config's `trusted_signers` and the host's own key.
        package var signerFiles: [String]
        /// Read a backup that has no signature (one made before signing existed), with a warning.
        package var allowUnsigned: Bool
        /// `restore --path`: only these entries of a file tree (and the folders above them).
        package var paths: [String] = []

        package init(
            policy: Policy, target: String, identity: OpenPGPSecretKey, backupID: RequestedBackup?,
            includeSoftDeleted: Bool,
            loader: Loader? = nil, signerFiles: [String] = [], allowUnsigned: Bool = false
        ) {
            self.policy = policy
            self.target = target
            self.identity = identity
            self.backupID = backupID
            self.includeSoftDeleted = includeSoftDeleted
            self.loader = loader
            self.signerFiles = signerFiles
            self.allowUnsigned = allowUnsigned
        }
    }

    /// Makes a fresh sink for each attempt (a walk back starts a new load) and says how to stop it.
    package struct Loader {
        package var description: String
        /// Takes the backup's payload type (a `pg_bundle` loads differently from a `pg_dump-custom`).
        package var make: (_ payload: String) throws -> (sink: ByteSink, abandon: () -> Void)

        package init(description: String, make: @escaping () throws -> (sink: ByteSink, abandon: () -> Void)) {
            self.description = description
            self.make = { _ in try make() }
        }

        package init(
            description: String, forPayload make: @escaping (String) throws -> (sink: ByteSink, abandon: () -> Void)
        ) {
            self.description = description
            self.make = make
        }
    }

    /// What was restored, from where, and which newer backups were passed over.
    package struct Result: Sendable {
        package let id: BackupID
        package let bytes: Int64
        package let chunksByDestination: [String: Int]
        package let skipped: [String]
        /// Where it was written (a folder named with `--to` gets the dump inside it).
        package var written: String? = nil
    }

    package func run(_ request: Request) async throws -> Result {
        let candidates = try self.candidates(request)
        guard !candidates.isEmpty else {
            throw LifeboatError.failed("policy \(request.policy.name): no restorable backup in the catalog")
        }
        let signers = try TrustedSigners.load(ctx, extra: request.signerFiles)
        var skipped: [String] = []
        for record in candidates {
            do {
                let result = try await restore(record, request, signers: signers)
                return Result(
                    id: result.id, bytes: result.bytes, chunksByDestination: result.chunksByDestination,
                    skipped: skipped, written: result.written)
            } catch let e as LifeboatError where e.kind == .usage || e.kind == .badInput {
                throw e
            } catch let e as NothingSelected {
                throw e.asFailure
            } catch let e as TargetRefused {
                throw e.failure
            } catch let e as CryptoError where e.kind == .noMatchingKey {
                throw LifeboatError.failed(
                    "backup \(record.id) is encrypted to \(record.recipients.joined(separator: ", ")), not to the identity given: \(e)",
                    hint: "restore with the secret key of one of its recipients")
            } catch let e as CryptoError where e.kind == .wrongPassphrase {
                throw LifeboatError.failed("backup \(record.id): \(e)")
            } catch {
                if request.backupID != nil { throw error }
                let line = "backup \(record.id) could not be restored: \(error)"
                ctx.logger.warning("\(line); trying the next older backup")
                skipped.append(line)
            }
        }
        throw LifeboatError.failed(
            "policy \(request.policy.name): no backup could be restored: " + skipped.joined(separator: " | "))
    }

    func candidates(_ request: Request) throws -> [BackupRecord] {
        if let requested = request.backupID {
            guard let id = requested.id, let r = try ctx.catalog.backup(id: id), r.policy == request.policy.name else {
                throw LifeboatError(.usage, "policy \(request.policy.name) has no backup \(requested)")
            }
            switch r.retention {
            case .purged: throw LifeboatError.failed("backup \(id) was purged from every destination")
            case .softDeleted where !request.includeSoftDeleted:
                throw LifeboatError.failed(
                    "backup \(id) is soft-deleted", hint: "add --include-soft-deleted to restore it")
            default: break
            }
            guard r.copies.contains(where: { $0.status == .shipped }) else {
                throw LifeboatError.failed(
                    "backup \(id) is not shipped to any destination (status \(r.status.rawValue))")
            }
            return [r]
        }
        return try ctx.catalog.backups(policy: request.policy.name)
            .filter { $0.copies.contains(where: { $0.status == .shipped }) }
    }

    /// The name a restored dump gets inside a folder named with `--to`: the policy and what it holds.
    static func fileExtension(payload: String) -> String {
        switch payload {
        case "sqlite": return ".sqlite"
        case "pg_dump-custom": return ".dump"
        case "sql", "sql_databases": return ".sql"
        default: return ".out"
        }
    }

    /// Restore's work folders in the spool: `.restore-<pid>-XXXXXX`.
    package static let workPrefix = ".restore-"

    func restore(_ record: BackupRecord, _ request: Request, signers: [OpenPGPVerifyingKey]) async throws -> Result {
        let shipped = Set(record.copies.filter { $0.status == .shipped }.map(\.destination))
        let destinations = try request.policy.destinations.filter { shipped.contains(DestinationName($0.name)) }.map {
            try DestinationFactory.makeReading($0, logger: ctx.logger)
        }
        let manifest = try await trustedManifest(record, request, destinations: destinations, signers: signers)
        let chunks = manifest.chunks
        // A private work folder whose owner lock lets the next run sweep it if this process is killed.
        try? FileManager.default.createDirectory(atPath: ctx.agent.spool, withIntermediateDirectories: true)
        let workFolder = try OwnedFolder(parent: ctx.agent.spool, prefix: Self.workPrefix)
        defer { workFolder.remove() }
        let work = workFolder.path
        let fetcher = ChunkFetcher(
            destinations: destinations,
            prefix: ctx.objectPrefix(host: record.host, policy: record.policy, id: record.id),
            workDirectory: work)

        let target =
            try request.loader.map { try RestoreTarget(loader: $0, payload: record.payload) }
            ?? RestoreTarget(
                path: request.target, payload: record.payload,
                fileName: record.policy + Self.fileExtension(payload: record.payload),
                select: TarPathFilter(request.paths))
        // Where plaintext is staged, noted in the work folder: if this process is killed, the next run
        // that sweeps the work folder removes the staging folder too.
        if let partial = target.partialPath {
            try? partial.write(toFile: "\(work)/\(RestoreStaging.noteName)", atomically: false, encoding: .utf8)
        }
        do {
            ctx.progress.start(
                "restore \(record.policy)", expectedIn: chunks.reduce(0) { $0 + $1.size }, chunksTotal: chunks.count)
            let streamed = try await ChunkStream(
                fetcher: fetcher, keys: [request.identity], logger: ctx.logger, backup: record.id.rawValue,
                meter: ctx.progress
            ).run(chunks, compression: manifest.algorithm, into: target.sink)
            CrashPoint.hit("restore.verified")
            try target.commit()
            for w in target.warnings { ctx.logger.warning("backup \(record.id): \(w)") }
            return Result(
                id: record.id, bytes: streamed.bytes, chunksByDestination: streamed.chunksByDestination, skipped: [],
                written: request.loader == nil ? target.path : nil)
        } catch {
            target.abandon()
            throw error
        }
    }
}

extension RestoreUseCase {
    /// The backup's manifest from the first destination whose copy is signed by a trusted signer and
    /// describes this backup; the chunk list restore uses comes from it, never from elsewhere.
    func trustedManifest(
        _ record: BackupRecord, _ request: Request, destinations: [Destination], signers: [OpenPGPVerifyingKey]
    ) async throws -> Manifest {
        let expectation = ManifestReader.Expectation(
            host: record.host, policy: request.policy.name, kind: request.policy.kind.rawValue, id: record.id,
            now: ctx.now())
        return try await TrustedManifest.fetch(
            from: destinations, prefix: ctx.objectPrefix(host: record.host, policy: record.policy, id: record.id),
            expecting: expectation, signers: signers, allowUnsigned: request.allowUnsigned, logger: ctx.logger)
    }
}
