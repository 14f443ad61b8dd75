import Foundation

/// Runs an operation again after transient failures, spaced by a `BackoffPolicy`. Only what can succeed
/// on a retry is retried (`StorageError.Kind.transient`); not-found and permanent errors go straight
/// back, with the server's message. Clock, sleep and randomness are injected so tests do not sleep.
package struct Retrier: Sendable {
    package var policy: BackoffPolicy
    package var now: @Sendable () -> Double
    package var sleep: @Sendable (Double) async throws -> Void
    package var random: @Sendable () -> Double
    /// Told of each retry: operation, failures so far, the wait, the error.
    package var onRetry: @Sendable (String, Int, Double, StorageError) -> Void

    package init(
        policy: BackoffPolicy,
        now: @escaping @Sendable () -> Double = { Retrier.monotonicSeconds() },
        sleep: @escaping @Sendable (Double) async throws -> Void = {
            try await Task.sleep(nanoseconds: UInt64($0 * 1e9))
        },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        onRetry: @escaping @Sendable (String, Int, Double, StorageError) -> Void = { _, _, _, _ in }
    ) {
        self.policy = policy
        self.now = now
        self.sleep = sleep
        self.random = random
        self.onRetry = onRetry
    }

    package static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    package func run<T>(_ what: String, _ operation: () async throws -> T) async throws -> T {
        let start = now()
        var failures = 0
        while true {
            do {
                return try await operation()
            } catch let e as StorageError where e.kind == .transient {
                failures += 1
                guard let wait = policy.delay(afterFailures: failures, elapsed: now() - start, random: random()) else {
                    throw StorageError(
                        .transient, destination: e.destination,
                        failures > 1 ? "\(e.message) (gave up after \(failures) tries)" : e.message)
                }
                onRetry(what, failures, wait, e)
                try await sleep(wait)
            }
        }
    }
}

/// Any destination, with each operation retried on transient failures. A read that breaks part way
/// resumes from the last byte it delivered, so the consumer sees every byte exactly once.
package struct RetryingDestination: Destination {
    package let base: Destination
    package let retrier: Retrier

    package init(_ base: Destination, retrier: Retrier) {
        self.base = base
        self.retrier = retrier
    }

    package var name: String { base.name }

    package func put(_ key: String, fromFile path: String) async throws {
        try await retrier.run("put \(key)") { try await base.put(key, fromFile: path) }
    }

    package func put(_ key: String, fromFile path: String, sha256: String) async throws {
        try await retrier.run("put \(key)") { try await base.put(key, fromFile: path, sha256: sha256) }
    }

    package func put(_ key: String, bytes: [UInt8]) async throws {
        try await retrier.run("put \(key)") { try await base.put(key, bytes: bytes) }
    }

    @discardableResult
    package func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws
        -> Int64
    {
        var delivered: Int64 = 0
        return try await withoutActuallyEscaping(consumer) { consumer in
            try await retrier.run("get \(key)") {
                _ = try await base.read(key, offset: offset + delivered) { bytes in
                    try consumer(bytes)
                    delivered += Int64(bytes.count)
                }
                return delivered
            }
        }
    }

    package func put(_ key: String, bytes: [UInt8], metadata: [String: String]) async throws {
        try await retrier.run("put \(key)") { try await base.put(key, bytes: bytes, metadata: metadata) }
    }

    package func readWithMetadata(
        _ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> [String: String] {
        var delivered: Int64 = 0
        return try await withoutActuallyEscaping(consumer) { consumer in
            try await retrier.run("get \(key)") {
                try await base.readWithMetadata(key, offset: offset + delivered) { bytes in
                    try consumer(bytes)
                    delivered += Int64(bytes.count)
                }
            }
        }
    }

    package func size(_ key: String) async throws -> Int64? {
        try await retrier.run("head \(key)") { try await base.size(key) }
    }

    package func list(prefix: String) async throws -> [String] {
        try await retrier.run("list \(prefix)") { try await base.list(prefix: prefix) }
    }

    package func listFolders(prefix: String) async throws -> [String] {
        try await retrier.run("list \(prefix) by folder") { try await base.listFolders(prefix: prefix) }
    }

    package func remove(_ key: String) async throws {
        try await retrier.run("delete \(key)") { try await base.remove(key) }
    }
}
