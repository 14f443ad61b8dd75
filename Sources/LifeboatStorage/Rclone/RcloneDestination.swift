import LifeboatCore

#if canImport(Glibc)
    import Glibc
#endif

/// A destination behind any rclone remote (SFTP, WebDAV, Backblaze B2, Azure Blob, Google Cloud Storage,
/// ...), driven through the rclone binary: `copyto` and `rcat` to write, `cat --offset` to read from a
/// byte on, `lsjson` to list and size, `deletefile` to remove. Retries, the circuit breaker and the
/// per-chunk state wrap it as they wrap S3; rclone's own retries are turned off so they do not multiply.
///
/// Each object is written by rclone as a whole: backends that support it (local, SFTP, FTP, SMB) upload
/// to a `.partial` name and rename, object stores make an object appear only when its upload ends.
/// Listings leave out `.partial` names. A folder that some remove left empty may still be listed by
/// `listFolders` on backends with real folders; it holds no manifest, so readers pass over it.
package struct RcloneDestination: Destination {
    package let name: String
    /// `name:path`, a remote the config file defines.
    package let remote: String
    /// The rclone config file (checked 0600 when the policy was loaded).
    package let config: String
    /// The rclone binary (found on PATH when the policy was loaded).
    package let binary: String
    /// Seconds to wait for a connection, and for a silent server, per rclone run.
    package var connectTimeout: Double = 10
    package var idleTimeout: Double = 60

    package init(name: String, remote: String, config: String, binary: String) {
        self.name = name
        self.remote = remote
        self.config = config
        self.binary = binary
    }

    /// The rclone path of `key` (or of a folder, with `key` ending in `/`).
    func location(_ key: String) -> String {
        if key.isEmpty { return remote }
        return remote.hasSuffix(":") || remote.hasSuffix("/") ? remote + key : remote + "/" + key
    }

    func objectLocation(_ key: String) throws -> String {
        try ObjectKey.check(key, destination: name)
        return location(key)
    }

    /// The flags every run takes: this config, no retries of rclone's own (ours wrap it), timeouts,
    /// never a prompt.
    var commonFlags: [String] {
        [
            "--config", config, "--retries", "1", "--low-level-retries", "1", "--ask-password=false",
            "--contimeout", Self.seconds(connectTimeout), "--timeout", Self.seconds(idleTimeout), "--stats", "0",
        ]
    }

    static func seconds(_ s: Double) -> String { "\(Int64((s * 1000).rounded(.up)))ms" }

    package func put(_ key: String, fromFile path: String) async throws {
        let target = try objectLocation(key)
        try await run("upload \(key)", ["copyto", "--ignore-times", path, target]).orThrow(allowNotFound: false)
    }

    package func put(_ key: String, bytes: [UInt8]) async throws {
        let target = try objectLocation(key)
        try await run("upload \(key)", ["rcat", target], input: bytes).orThrow(allowNotFound: false)
    }

    @discardableResult
    package func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws
        -> Int64
    {
        let source = try objectLocation(key)
        var total: Int64 = 0
        var args = ["cat"]
        if offset > 0 { args += ["--offset", String(offset)] }
        let outcome = try await withoutActuallyEscaping(consumer) { consumer in
            try await run("read \(key)", args + [source]) { block in
                try consumer(block)
                total += Int64(block.count)
            }
        }
        try outcome.orThrow(allowNotFound: false)
        return total
    }

    package func size(_ key: String) async throws -> Int64? {
        let target = try objectLocation(key)
        var answer: [UInt8] = []
        let outcome = try await run("stat \(key)", ["lsjson", "--stat", "--no-modtime", "--no-mimetype", target]) {
            answer.append(contentsOf: $0)
            if answer.count > 1 << 20 {
                throw StorageError(.permanent, destination: name, "stat \(key): answer too large")
            }
        }
        if outcome.notFound { return nil }
        try outcome.orThrow(allowNotFound: false)
        let entry: RcloneListing.Entry
        do {
            entry = try RcloneListing.parseStat(answer)
        } catch {
            throw StorageError(.permanent, destination: name, "stat \(key): rclone's \(error)")
        }
        guard !entry.isDir else {
            throw StorageError(.permanent, destination: name, "\(key) is a folder, not an object")
        }
        return entry.size
    }

    /// Every object under the folder part of `prefix`, recursively, filtered by the rest of it.
    package func list(prefix: String) async throws -> [String] {
        let folder = prefix.lastIndex(of: "/").map { String(prefix[...$0]) } ?? ""
        if !folder.isEmpty { try ObjectKey.check(String(folder.dropLast()), destination: name) }
        let listing = try await listing(
            folder, ["lsjson", "-R", "--files-only", "--no-modtime", "--no-mimetype"], what: "list \(prefix)")
        return listing.entries.compactMap { e in
            let key = folder + e.path
            return !e.isDir && key.hasPrefix(prefix) && !e.path.hasSuffix(".partial") ? key : nil
        }
    }

    package func listFolders(prefix: String) async throws -> [String] {
        guard prefix.isEmpty || prefix.hasSuffix("/") else {
            throw StorageError(.permanent, destination: name, "list \(prefix): a folder prefix must end with /")
        }
        if !prefix.isEmpty { try ObjectKey.check(String(prefix.dropLast()), destination: name) }
        let listing = try await listing(
            prefix, ["lsjson", "--dirs-only", "--no-modtime", "--no-mimetype"], what: "list \(prefix) by folder")
        var seen = Set<String>()
        return listing.entries.compactMap { e in
            guard e.isDir, !e.path.contains("/"), seen.insert(e.path).inserted else { return nil }
            return e.path
        }
    }

    /// Runs an `lsjson` of `folder`; a folder that is not there lists as empty.
    func listing(_ folder: String, _ args: [String], what: String) async throws -> RcloneListing {
        var answer: [UInt8] = []
        let limit = RcloneListing.maximumBytes
        let outcome = try await run(what, args + [location(folder)]) {
            answer.append(contentsOf: $0)
            if answer.count > limit { throw StorageError(.permanent, destination: name, "\(what): listing too large") }
        }
        if outcome.notFound { return RcloneListing(entries: []) }
        try outcome.orThrow(allowNotFound: false)
        do {
            return try RcloneListing.parse(answer)
        } catch {
            throw StorageError(.permanent, destination: name, "\(what): rclone's \(error)")
        }
    }

    /// Removes the object, then its folder if that is now empty (as the local destination does); a
    /// missing object is not an error.
    package func remove(_ key: String) async throws {
        let target = try objectLocation(key)
        let outcome = try await run("delete \(key)", ["deletefile", target])
        if !outcome.notFound { try outcome.orThrow(allowNotFound: false) }
        if let slash = key.lastIndex(of: "/") {
            // Fails, as it should, while the folder still holds something; never the remote's root.
            _ = try? await run("remove folder", ["rmdir", location(String(key[..<slash]))])
        }
    }

    /// How one rclone run ended.
    struct Outcome {
        let destination: String
        let what: String
        /// The exit status, or nil when a signal ended it.
        let status: Int32?
        let signal: Int32
        let stderr: String

        var notFound: Bool { status.map { RcloneExit.kind(status: $0, stderr: stderr) == .notFound } ?? false }

        func orThrow(allowNotFound: Bool) throws {
            guard let status else {
                throw StorageError(
                    .transient, destination: destination, "\(what): rclone was killed by signal \(signal)")
            }
            guard status != 0 else { return }
            let kind = RcloneExit.kind(status: status, stderr: stderr)
            if kind == .notFound && allowNotFound { return }
            throw StorageError(
                kind, destination: destination,
                "\(what): rclone exited with status \(status)" + (stderr.isEmpty ? "" : ": \(stderr)"))
        }
    }

    /// Runs rclone once: `input` to its stdin, its stdout in blocks to `output`. Cancelling the task kills it.
    func run(
        _ what: String, _ args: [String], input: [UInt8]? = nil,
        output: ((UnsafeRawBufferPointer) throws -> Void)? = nil
    ) async throws -> Outcome {
        try Task.checkCancellation()
        let process: RcloneProcess
        do {
            process = try RcloneProcess(
                binary: binary, arguments: commonFlags + args, stdin: input != nil, stdout: output != nil)
        } catch {
            let reason: String
            switch error {
            case .pipe(let e): reason = "cannot make a pipe: \(e.reason)"
            case .spawn(let e): reason = "cannot run \(binary): \(e.reason)"
            }
            throw StorageError(.permanent, destination: name, "\(what): \(reason)")
        }
        return try await withTaskCancellationHandler {
            var failure: Error?
            if let input {
                do { try await process.feed(input) } catch { failure = failure ?? error }
            }
            if let output, failure == nil {
                do {
                    while true {
                        let block = try await process.nextBlock()
                        if block.isEmpty { break }
                        try block.withUnsafeBytes { try output($0) }
                    }
                } catch {
                    failure = error
                    process.kill()
                }
            }
            let status = await process.wait()
            if Task.isCancelled { throw CancellationError() }
            let sig = status & 0x7f
            let outcome = Outcome(
                destination: name, what: what, status: sig == 0 ? (status >> 8) & 0xff : nil, signal: sig,
                stderr: process.stderrSummary())
            if let failure {
                // rclone's own failure explains a broken pipe better than the pipe does.
                if failure is SystemCallError, outcome.status != 0 { return outcome }
                if let failure = failure as? SystemCallError {
                    throw StorageError(.transient, destination: name, "\(what): talking to rclone: \(failure.reason)")
                }
                throw failure
            }
            return outcome
        } onCancel: {
            process.kill()
        }
    }
}
