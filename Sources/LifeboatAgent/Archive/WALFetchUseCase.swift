import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatDigest
import LifeboatPipeline
import LifeboatStorage
import Logging

/// `wal-fetch`: PostgreSQL's `restore_command`. Finds the file at the policy's destinations (in their
/// order), downloads the message beside the target, checks the signature over its record (name, host,
/// policy, sha256 and size of the very bytes downloaded) against the trusted signers, then decrypts and
/// gunzips it into the target under a temporary name and renames it into place. Nothing unverified
/// reaches the target. It opens no catalog: PostgreSQL runs it as its own user, who need not be able to
/// write the state folder of the `restore` that set it up.
package struct WALFetchUseCase {
    let agent: AgentConfig
    let logger: Logger
    let now: @Sendable () -> Date
    let policy: Policy
    let keys: [OpenPGPSecretKey]
    let signers: [OpenPGPVerifyingKey]

    package init(
        agent: AgentConfig, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }, policy: Policy,
        keys: [OpenPGPSecretKey], signers: [OpenPGPVerifyingKey]
    ) {
        self.agent = agent
        self.logger = logger
        self.now = now
        self.policy = policy
        self.keys = keys
        self.signers = signers
    }

    /// The file is at no destination: PostgreSQL asks for files that were never archived (the next
    /// segment, a history file) and takes the failure as "not there".
    package struct NotArchived: Error, CustomStringConvertible {
        package let name: String
        package var description: String { "wal-fetch: \(name) is not archived at any destination" }
    }

    /// `name` (PostgreSQL's `%f`) as a WAL, history or backup file name; a usage error otherwise.
    package static func fileName(_ name: String) throws -> WALFileName {
        guard let file = WALFileName(name) else {
            throw LifeboatError(
                .usage, "wal-fetch: '\(TerminalText.printable(name))' is not a WAL, history or backup file name")
        }
        return file
    }

    /// `name` as PostgreSQL asks (`%f`), written to `path` (`%p`).
    package func fetch(name: String, to path: String) async throws {
        let file = try Self.fileName(name)
        let key = WALArchiveLayout.key(host: agent.host, policy: policy.name, file: file)
        var problems: [String] = []
        for spec in policy.destinations {
            do {
                let destination = try DestinationFactory.makeReading(spec, logger: logger)
                let signature: [UInt8]
                do {
                    signature = try await SignedObject.readBounded(
                        destination, key + WALArchiveLayout.signatureSuffix, limit: DetachedSignature.maximumSize)
                } catch let e as StorageError where e.isNotFound {
                    continue
                }
                try await fetch(file, key: key, signature: signature, from: destination, to: path)
                return
            } catch {
                problems.append("destination \(spec.name): \(error)")
            }
        }
        if problems.isEmpty { throw NotArchived(name: name) }
        throw Unreadable(name: name, problems: problems)
    }

    /// The file was not found "not archived" everywhere: a destination failed to answer, or held a copy
    /// that did not verify. Ending recovery here would silently lose what follows, so the command
    /// makes PostgreSQL stop instead.
    package struct Unreadable: Error, CustomStringConvertible {
        package let name: String
        package let problems: [String]
        package var description: String { "wal-fetch: \(name): \(problems.joined(separator: "; "))" }
    }

    private func fetch(
        _ file: WALFileName, key: String, signature: [UInt8], from destination: Destination, to path: String
    ) async throws {
        let folder = (path as NSString).deletingLastPathComponent
        let download = try FileSink(path: (folder.isEmpty ? "." : folder) + "/.\(file.name).lifeboat-message")
        defer { download.abandon() }
        var hasher = SHA256Hasher()
        let size = try await destination.read(key, offset: 0) { bytes in
            hasher.update(bytes)
            try download.write(bytes)
        }
        let sha256 = hasher.finalize().hexString
        let record = WALArchiveLayout.signedRecord(
            host: agent.host, policy: policy.name, file: file, sha256: sha256, size: size)
        do {
            _ = try DetachedSignature.verify(signature: signature, data: record, trusted: signers, now: now())
        } catch let e as CryptoError {
            throw LifeboatError.failed("\(file.name): the signature does not cover these bytes: \(e.description)")
        }
        let target = try FileSink(path: path)
        do {
            let pipeline = RestorePipeline(keys: keys, consumer: target)
            try pipeline.feed(chunkFile: download.temporaryPath)
            _ = try pipeline.finish()
        } catch {
            target.abandon()
            throw error
        }
    }
}
