import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatPipeline
import Logging

/// `wal-push`: seals one file PostgreSQL hands to `archive_command` into the policy's WAL spool —
/// gzip, encrypted to the policy's recipients, with a signature by the host's key over a record of
/// its name and hash — and makes it durable there (written under a temporary name, fsynced, renamed,
/// the folder fsynced). That is the moment the file is safe and the command may answer 0; shipping
/// follows (`WALShipper`), and what does not ship now waits in the spool for the next push or `run`.
///
/// It runs once per segment in a process of its own, so it takes only what it uses: the agent config,
/// the policy, a logger and the clock; no catalog is opened.
package struct WALPushUseCase {
    let agent: AgentConfig
    let policy: Policy
    let logger: Logger
    let now: @Sendable () -> Date

    package init(
        agent: AgentConfig, policy: Policy, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.agent = agent
        self.policy = policy
        self.logger = logger
        self.now = now
    }

    /// What `seal` wrote: the file's name and the sha256 and size of its message in the spool.
    package struct Sealed: Sendable {
        package let file: WALFileName
        package let sha256: String
        package let size: Int64
    }

    /// The name of the file at `path`, or a usage error (exit 64) naming it when it is not one
    /// PostgreSQL archives: the name becomes part of an object key.
    package static func fileName(of path: String) throws -> WALFileName {
        let leaf = (path as NSString).lastPathComponent
        guard let file = WALFileName(leaf) else {
            throw LifeboatError(
                .usage,
                "wal-push: '\(TerminalText.printable(leaf))' is not a WAL segment, timeline history or backup history file name"
            )
        }
        return file
    }

    /// Seals the file at `path` into the spool; when this returns, the message and its signature are
    /// on disk for good.
    @discardableResult
    package func seal(path: String) throws -> Sealed {
        let file = try Self.fileName(of: path)
        let dir = WALArchiveLayout.spool(agent.spool, policy: policy.name)
        do {
            try FileManager.default.createDirectory(
                atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LifeboatError.failed("cannot create the WAL spool \(dir): \(error.localizedDescription)")
        }
        let recipients = try KeyLoading.recipients(of: policy)
        let target = "\(dir)/\(file.name)"
        // A file pushed again (after a crash PostgreSQL cannot tell whether it was archived) ships again.
        WALSpool.forget(file.name, in: dir)
        let sink = try FileSink(path: target)
        let hasher = PayloadHasher(next: sink)
        do {
            let encryptor = try OpenPGPEncryptor(recipients: recipients, output: hasher)
            let gzip = try GzipMemberWriter(level: WALCompression.level(for: policy), output: encryptor)
            try FileFeeder.feed(path: path, into: gzip)
            try gzip.finish()
        } catch {
            sink.abandon()
            throw error
        }
        guard let sha256 = hasher.sha256 else {
            sink.abandon()
            throw LifeboatError.failed("wal-push: the message of \(file.name) was not finished")
        }
        let record = WALArchiveLayout.signedRecord(
            host: agent.host, policy: policy.name, file: file, sha256: sha256, size: hasher.size)
        let key = try HostSigningKey.loadOrCreate(path: agent.signingKey, host: agent.host, logger: logger)
        let signature = try key.sign(record, now: now())
        let sigSink = try FileSink(path: target + WALArchiveLayout.signatureSuffix)
        do {
            try sigSink.write(signature)
            try sigSink.finish()
        } catch {
            sigSink.abandon()
            throw error
        }
        AtomicFile.syncFolder(dir)
        return Sealed(file: file, sha256: sha256, size: hasher.size)
    }
}
