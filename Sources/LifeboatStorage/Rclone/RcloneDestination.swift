import Foundation
import LifeboatCore

#if canImport(Glibc)
    import Glibc
#endif

/// A destination behind any rclone remote (SFTP, WebDAV, Backblaze B2, Azure Blob, Google Cloud Storage,
/// ...), driven through the rclone binary. Writes, listings, sizes and removes are calls to one
/// long-lived `rclone rcd` per config (`RcloneDaemon`: `operations/copyfile` from the file or from a
/// private staging file, `operations/list`, `operations/stat`, `operations/deletefile`), so they share
/// its connections instead of paying a process and a handshake each; a read is a GET of the object
/// from the same daemon (`--rc-serve`, `RcloneServedRead`), streamed from a byte on (`rclone cat
/// --offset` only for a remote whose name holds a `]`, which a URL cannot carry there). Retries, the circuit breaker and the per-chunk state wrap it as they
/// wrap S3; rclone's own retries are turned off so they do not multiply.
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

    /// The flags the daemon runs with: the common ones, and a write always sends (never skipped because
    /// an object of the same size and time is there).
    package var daemonFlags: [String] {
        commonFlags.filter { $0 != "--stats" && $0 != "0" } + ["--ignore-times", "--rc-serve"]
    }

    package func put(_ key: String, fromFile path: String) async throws {
        try ObjectKey.check(key, destination: name)
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let slash = absolute.lastIndex(of: "/"), absolute.index(after: slash) < absolute.endIndex else {
            throw StorageError(.permanent, destination: name, "upload \(key): \(path) is not a file's path")
        }
        let folder = slash == absolute.startIndex ? "/" : String(absolute[..<slash])
        let file = String(absolute[absolute.index(after: slash)...])
        try await control(
            "upload \(key)", "operations/copyfile",
            ["srcFs": folder, "srcRemote": file, "dstFs": remote, "dstRemote": key], as: Empty.self,
            notFound: .error)
    }

    /// Staged in the daemon's private folder (0600), then written as a file is.
    package func put(_ key: String, bytes: [UInt8]) async throws {
        try ObjectKey.check(key, destination: name)
        let folder = try await daemon("upload \(key)").folder
        let staged = "\(folder)/put-\(UInt64.random(in: 0...UInt64.max))"
        defer { unlink(staged) }
        do {
            let fd = try FileDescriptorIO.open(
                staged, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
            defer { close(fd) }
            try bytes.withUnsafeBytes { try FileDescriptorIO.writeAll(fd, $0) }
        } catch {
            let reason = (error as? SystemCallError)?.reason ?? "\(error)"
            throw StorageError(.permanent, destination: name, "upload \(key): cannot stage it: \(reason)")
        }
        try await put(key, fromFile: staged)
    }

    @discardableResult
    package func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws
        -> Int64
    {
        let source = try objectLocation(key)
        if !remote.contains("]") {
            let daemon = try await daemon("read \(key)")
            do {
                return try await RcloneServedRead.read(
                    daemon.control, fs: remote, key: key, offset: offset, consumer: consumer)
            } catch let e as RcloneControlError {
                if Task.isCancelled { throw CancellationError() }
                throw StorageError(e.storageKind, destination: name, e.message)
            }
        }
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
        try ObjectKey.check(key, destination: name)
        let answer = try await control(
            "stat \(key)", "operations/stat",
            ["fs": remote, "remote": key, "opt": ["noModTime": true, "noMimeType": true]], as: StatAnswer.self,
            notFound: .error)
        guard let raw = answer?.item else { return nil }
        let entry: RcloneListing.Entry
        do {
            entry = try raw.checked(at: 0)
        } catch {
            throw StorageError(.permanent, destination: name, "stat \(key): rclone's \(error)")
        }
        guard entry.path == key else {
            throw StorageError(
                .permanent, destination: name, "stat \(key): rclone answered for \(entry.path.debugDescription)")
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
        let entries = try await listing(
            folder, ["recurse": true, "filesOnly": true], what: "list \(prefix)")
        return entries.compactMap { e in
            !e.isDir && e.path.hasPrefix(prefix) && !e.path.hasSuffix(".partial") ? e.path : nil
        }
    }

    package func listFolders(prefix: String) async throws -> [String] {
        guard prefix.isEmpty || prefix.hasSuffix("/") else {
            throw StorageError(.permanent, destination: name, "list \(prefix): a folder prefix must end with /")
        }
        if !prefix.isEmpty { try ObjectKey.check(String(prefix.dropLast()), destination: name) }
        let entries = try await listing(prefix, ["dirsOnly": true], what: "list \(prefix) by folder")
        var seen = Set<String>()
        return entries.compactMap { e in
            let name = String(e.path.dropFirst(prefix.count))
            guard e.isDir, e.path.hasPrefix(prefix), !name.contains("/"), seen.insert(name).inserted else {
                return nil
            }
            return name
        }
    }

    /// Lists `folder` (`""` or ending with `/`); a folder that is not there lists as empty. Every entry's
    /// path is checked (a relative object key, its name its last part) and must lie inside `folder`.
    func listing(_ folder: String, _ options: [String: Any], what: String) async throws -> [RcloneListing.Entry] {
        let opt = options.merging(["noModTime": true, "noMimeType": true]) { a, _ in a }
        guard
            let answer = try await control(
                what, "operations/list",
                ["fs": remote, "remote": String(folder.dropLast(folder.isEmpty ? 0 : 1)), "opt": opt],
                as: ListAnswer.self, limit: RcloneListing.maximumBytes, notFound: .nil)
        else { return [] }
        var entries: [RcloneListing.Entry] = []
        entries.reserveCapacity(answer.list.count)
        for (i, raw) in answer.list.enumerated() {
            let entry: RcloneListing.Entry
            do {
                entry = try raw.checked(at: i)
            } catch {
                throw StorageError(.permanent, destination: name, "\(what): rclone's \(error)")
            }
            guard entry.path.hasPrefix(folder), entry.path.count > folder.count else {
                throw StorageError(
                    .permanent, destination: name,
                    "\(what): rclone listed \(entry.path.debugDescription), which is not inside \(folder.debugDescription)"
                )
            }
            entries.append(entry)
        }
        return entries
    }

    /// Removes the object, then its folder if that is now empty (as the local destination does); a
    /// missing object is not an error.
    package func remove(_ key: String) async throws {
        try ObjectKey.check(key, destination: name)
        _ = try await control(
            "delete \(key)", "operations/deletefile", ["fs": remote, "remote": key], as: Empty.self, notFound: .nil)
        if let slash = key.lastIndex(of: "/") {
            // Fails, as it should, while the folder still holds something; never the remote's root.
            _ = try? await control(
                "remove folder", "operations/rmdir", ["fs": remote, "remote": String(key[..<slash])], as: Empty.self,
                notFound: .nil)
        }
    }

    // MARK: - Calls to the daemon

    /// What the answers of the remote-control methods used here hold (other fields are ignored).
    struct Empty: Decodable {}
    struct StatAnswer: Decodable {
        var item: RcloneListing.RawEntry?
    }
    package struct ListAnswer: Decodable {
        package var list: [RcloneListing.RawEntry]
    }

    /// What a 404 (the object or folder is not there) means to the caller.
    enum NotFound {
        /// The answer is nil.
        case `nil`
        /// A failure like any other (for a write: the file to send is gone).
        case error
    }

    /// The daemon for this destination's config, started on first use.
    func daemon(_ what: String) async throws -> RcloneDaemon {
        do {
            return try await RcloneDaemon.shared(binary: binary, config: config, flags: daemonFlags)
        } catch {
            throw StorageError(error.storageKind, destination: name, "\(what): \(error.message)")
        }
    }

    @discardableResult
    func control<T: Decodable>(
        _ what: String, _ method: String, _ parameters: [String: Any], as type: T.Type,
        limit: Int = RcloneControlCall.defaultLimit, notFound: NotFound
    ) async throws -> T? {
        try Task.checkCancellation()
        let daemon = try await daemon(what)
        do {
            return try await daemon.control.call(method, parameters, as: type, limit: limit)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            if error.kind == .status(404), notFound == .nil { return nil }
            let kind = error.kind == .status(404) ? .permanent : error.storageKind
            throw StorageError(kind, destination: name, "\(what): \(error.message)")
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
