import Foundation
import Synchronization

/// Counts what a long operation has done so far (bytes read, bytes written, chunks per destination),
/// so the command line can draw a progress line on a terminal. Use cases only count; they never draw,
/// and counting costs one uncontended lock per buffer.
package final class ProgressMeter: Sendable {
    /// What has been done since the task started.
    package struct Snapshot: Sendable, Equatable {
        /// What is being done, as a person reads it: "backup orders", "restore orders".
        package var task = ""
        package var bytesIn: Int64 = 0
        package var bytesOut: Int64 = 0
        /// How many bytes `bytesIn` will reach, when known (restore and verify know; a backup does not).
        package var expectedIn: Int64?
        /// Chunks done at each destination, in the order the destinations first reported.
        package var chunks: [(destination: String, done: Int)] = []
        /// How many chunks each destination is to get, when known.
        package var chunksTotal: Int?
        package var started = Date()

        package init() {}

        package static func == (a: Snapshot, b: Snapshot) -> Bool {
            a.task == b.task && a.bytesIn == b.bytesIn && a.bytesOut == b.bytesOut && a.expectedIn == b.expectedIn
                && a.chunks.map(\.destination) == b.chunks.map(\.destination)
                && a.chunks.map(\.done) == b.chunks.map(\.done) && a.chunksTotal == b.chunksTotal
                && a.started == b.started
        }
    }

    private let state = Mutex(Snapshot())

    package init() {}

    /// Starts a new task: the counts start again from zero.
    package func start(_ task: String, expectedIn: Int64? = nil, chunksTotal: Int? = nil) {
        state.withLock {
            $0 = Snapshot()
            $0.task = task
            $0.expectedIn = expectedIn
            $0.chunksTotal = chunksTotal
        }
    }

    /// The same task goes on to shipping: the byte counts stay, the chunk counts start again.
    package func shipping(chunksTotal: Int) {
        state.withLock {
            $0.chunks = []
            $0.chunksTotal = chunksTotal
        }
    }

    /// `n` of the expected bytes will not be read after all (a copy found that chunk already there).
    package func expectFewer(_ n: Int64) {
        state.withLock { s in s.expectedIn = s.expectedIn.map { max(0, $0 - n) } }
    }

    package func addIn(_ n: Int) { state.withLock { $0.bytesIn += Int64(n) } }
    package func addOut(_ n: Int) { state.withLock { $0.bytesOut += Int64(n) } }

    /// One more chunk done at `destination`.
    package func chunkDone(at destination: String) {
        state.withLock { s in
            if let i = s.chunks.firstIndex(where: { $0.destination == destination }) {
                s.chunks[i].done += 1
            } else {
                s.chunks.append((destination, 1))
            }
        }
    }

    /// Ends the task: nothing more to show.
    package func finish() { state.withLock { $0 = Snapshot() } }

    package var snapshot: Snapshot { state.withLock { $0 } }
}

/// Passes bytes on to the next stage while counting them into a meter.
package final class MeteredSink: ByteSink {
    let next: ByteSink
    let count: (Int) -> Void

    package init(next: ByteSink, count: @escaping (Int) -> Void) {
        self.next = next
        self.count = count
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        try next.write(bytes)
        count(bytes.count)
    }

    package func finish() throws { try next.finish() }
}
