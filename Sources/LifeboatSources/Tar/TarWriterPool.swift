import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A few threads that write small extracted files while the reader goes on parsing the archive, so a
/// tree of many files is not restored one file at a time. The reader keeps every name operation
/// (walking to the parent without following links, clearing the old entry, creating the file with
/// O_EXCL | O_NOFOLLOW): a writer only gets an open descriptor and the bytes, writes them, applies the
/// metadata and closes it. The bytes held by queued and running jobs stay under `maxBytes` and their
/// number under `maxJobs` (the reader waits), so memory and open descriptors are bounded whatever the
/// archive holds (a million empty files included); large files never come here.
final class TarWriterPool: @unchecked Sendable {
    /// One regular file, created by the reader, with its whole content.
    struct Job: Sendable {
        let fd: Int32
        let name: String
        let entry: TarEntry
        let content: [UInt8]
    }

    /// What the writers did, handed to the extractor at `drain`.
    struct Outcome {
        var warnings: [String] = []
    }

    let maxBytes: Int
    /// Jobs queued or being written at most: each holds an open descriptor.
    static let maxJobs = 128
    private let asRoot: Bool
    // Every field below is read and written only with `lock` held; that is why the pool may be shared
    // with its threads, which the compiler cannot see.
    private let lock = NSCondition()
    private var queue: [Job] = []
    private var head = 0
    private var heldBytes = 0
    private var busy = 0
    private var running: Int
    private var closing = false
    private var failure: Error?
    private var outcome = Outcome()

    /// `width` writer threads; `maxBytes` of content in the pool at most (a single larger job waits for
    /// an empty pool).
    init(width: Int, maxBytes: Int, asRoot: Bool) {
        self.maxBytes = maxBytes
        self.asRoot = asRoot
        running = max(1, width)
        for _ in 0..<running {
            let thread = Thread { [self] in writeLoop() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Queues a file, waiting while the pool holds too many bytes. Throws the first writer's failure
    /// (the job's descriptor is then closed here, its file left as it is: the restore fails).
    func submit(_ job: Job) throws {
        lock.lock()
        defer { lock.unlock() }
        while failure == nil
            && (queue.count - head + busy >= Self.maxJobs
                || (heldBytes > 0 && heldBytes + job.content.count > maxBytes))
        {
            lock.wait()
        }
        if let failure {
            Glibc.close(job.fd)
            throw failure
        }
        heldBytes += job.content.count
        queue.append(job)
        lock.signal()
    }

    /// Waits until every queued file is written and closed; throws the first failure, else returns what
    /// the writers have to say since the last drain.
    func drain() throws -> Outcome {
        lock.lock()
        defer { lock.unlock() }
        while failure == nil && (head < queue.count || busy > 0) { lock.wait() }
        if let failure { throw failure }
        defer { outcome = Outcome() }
        return outcome
    }

    /// Stops the writers after the file each is on and waits for them; queued files are closed unwritten
    /// (called when the extraction is abandoned or finished).
    func close() {
        lock.lock()
        closing = true
        lock.broadcast()
        while running > 0 { lock.wait() }
        for job in queue[head...] { Glibc.close(job.fd) }
        queue.removeAll()
        head = 0
        lock.unlock()
    }

    private func writeLoop() {
        lock.lock()
        while true {
            while head == queue.count && !closing { lock.wait() }
            if closing { break }
            let job = queue[head]
            head += 1
            if head > 256 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            busy += 1
            let failed = failure != nil
            lock.unlock()
            var result: Result<[String], Error> = .success([])
            if !failed { result = Result { try write(job) } }
            Glibc.close(job.fd)
            lock.lock()
            busy -= 1
            heldBytes -= job.content.count
            switch result {
            case .success(let warnings): outcome.warnings += warnings
            case .failure(let error): if failure == nil { failure = error }
            }
            lock.broadcast()
        }
        running -= 1
        lock.broadcast()
        lock.unlock()
    }

    private func write(_ job: Job) throws -> [String] {
        var writer = TarSparseWriter(fd: job.fd)
        let ok = job.content.withUnsafeBytes { writer.write($0) }
        if !ok { throw ArchiveError.system("cannot write", path: job.name, errno: errno) }
        return try TarFileMetadata.finish(&writer, entry: job.entry, name: job.name, asRoot: asRoot)
    }
}
