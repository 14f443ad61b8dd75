import Dispatch

/// Runs slots through a worker function on all cores while the caller fills the next batch.
///
/// Two batches alternate: while one is processed in the background (one slot per worker,
/// `DispatchQueue.concurrentPerform`), the caller fills the other. Submitting a batch first
/// waits for the one in flight and drains its slots in order on the caller's thread, so output
/// order equals input order and at most two batches of memory exist.
final class GzipBatchRunner {
    typealias Work = (_ worker: Int, _ slot: GzipSlot) -> Void

    let width: Int
    private let batches: [[GzipSlot]]
    private var filling = 0
    private var filled = 0
    private var inFlight: (batch: Int, count: Int)?
    private let group = DispatchGroup()
    private let work: Work
    private let drain: (GzipSlot) throws -> Void

    init(width: Int, makeSlot: () -> GzipSlot, work: @escaping Work, drain: @escaping (GzipSlot) throws -> Void) {
        self.width = max(1, width)
        var made: [[GzipSlot]] = []
        for _ in 0..<2 { made.append((0..<self.width).map { _ in makeSlot() }) }
        batches = made
        self.work = work
        self.drain = drain
    }

    deinit { group.wait() }

    /// The slot the caller fills next.
    var current: GzipSlot { batches[filling][filled] }

    /// Whether the slot being filled is the first of its batch (nothing committed yet).
    var hasPending: Bool { filled > 0 }

    /// Marks the current slot as filled; submits the batch when it is full.
    func commit() throws {
        filled += 1
        if filled == width { try submit() }
    }

    /// Submits what is filled, waits for everything, and drains it.
    func flush() throws {
        if filled > 0 { try submit() }
        try waitAndDrain()
    }

    private func submit() throws {
        try waitAndDrain()
        let handoff = Handoff(slots: Array(batches[filling].prefix(filled)), work: work)
        inFlight = (filling, filled)
        DispatchQueue.global().async(group: group) {
            DispatchQueue.concurrentPerform(iterations: handoff.slots.count) { i in handoff.work(i, handoff.slots[i]) }
        }
        filling = 1 - filling
        filled = 0
    }

    /// The batch in flight, handed to the workers. The compiler cannot see why this is safe, so it is
    /// said here: worker `i` alone touches slot `i` and the `i`-th libdeflate handle, and the caller
    /// touches neither the slots nor the handles again until `group.wait()` has returned.
    private struct Handoff: @unchecked Sendable {
        let slots: [GzipSlot]
        let work: Work
    }

    private func waitAndDrain() throws {
        guard let flight = inFlight else { return }
        group.wait()
        inFlight = nil
        for slot in batches[flight.batch].prefix(flight.count) {
            if let error = slot.error { throw error }
            try drain(slot)
        }
    }
}
