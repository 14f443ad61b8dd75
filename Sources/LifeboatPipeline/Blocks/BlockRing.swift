import Foundation

/// Runs blocks (gzip members, zstd frames) through a worker function on every core while the caller fills the next blocks and an
/// ordered stage drains the finished ones, all at the same time.
///
/// A bounded ring of slots: the caller fills a free slot and commits it; `width` worker threads (each
/// with its own libdeflate handle, `worker` 0..<width) compress or inflate whichever committed slot is
/// next; one drain thread hands finished slots to `drain` strictly in commit order (encrypting and
/// writing on the way out, or feeding the restore's consumer) and frees them. The caller waits only
/// when every slot is taken, so memory stays at `slots` blocks whatever the stream's size, and the
/// serial stages (filling, draining) overlap with compression instead of taking turns with it.
final class BlockRing {
    typealias Work = (_ worker: Int, _ slot: BlockSlot) -> Void

    let width: Int
    private let shared: BlockRingState
    /// The slot the caller fills; only the caller touches it until it is committed.
    private(set) var current: BlockSlot

    /// `slots` is at least `width + 2`: one being filled, one per worker, one draining.
    init(
        width: Int, slots: Int? = nil, makeSlot: () -> BlockSlot, work: @escaping Work,
        drain: @escaping (BlockSlot) throws -> Void
    ) {
        self.width = max(1, width)
        let count = max(slots ?? 2 * self.width + 2, self.width + 2)
        var made = (0..<count).map { _ in makeSlot() }
        current = made.removeLast()
        let shared = BlockRingState(free: made, threads: self.width + 1, work: work, drain: drain)
        self.shared = shared
        for worker in 0..<self.width { BlockRingState.start { shared.workLoop(worker) } }
        BlockRingState.start { shared.drainLoop() }
    }

    /// Lets the threads finish what is queued and end, and waits for them.
    deinit { shared.close() }

    /// Whether anything is committed and not yet drained.
    var hasPending: Bool { shared.hasPending }

    /// Hands the current slot to the workers and takes a free one to fill next (waiting while none
    /// is free). Throws the first failure of a worker or of the drain.
    func commit() throws { current = try shared.commit(current) }

    /// Waits until every committed slot is drained; throws the first failure. The ring stays usable.
    func flush() throws { try shared.flush() }
}

/// The ring's state, shared by the caller, the workers and the drain thread. Every field is read and
/// written only with `lock` held; a slot is touched by one thread at a time, handed over under the lock
/// (filled by the caller, then a worker's, then the drain's, then free again). That discipline is why
/// it may be sent to the threads, which the compiler cannot see.
final class BlockRingState: @unchecked Sendable {
    private let lock = NSCondition()
    private var free: [BlockSlot]
    private var queued: [(sequence: Int, slot: BlockSlot)] = []
    private var finished: [Int: BlockSlot] = [:]
    private var committed = 0
    private var drained = 0
    private var closing = false
    private var failure: Error?
    private var running: Int
    private let work: BlockRing.Work
    private let drain: (BlockSlot) throws -> Void

    init(free: [BlockSlot], threads: Int, work: @escaping BlockRing.Work, drain: @escaping (BlockSlot) throws -> Void) {
        self.free = free
        running = threads
        self.work = work
        self.drain = drain
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.stackSize = 1 << 20
        thread.start()
    }

    var hasPending: Bool {
        lock.lock()
        defer { lock.unlock() }
        return drained < committed
    }

    func commit(_ slot: BlockSlot) throws -> BlockSlot {
        lock.lock()
        defer { lock.unlock() }
        queued.append((committed, slot))
        committed += 1
        lock.broadcast()
        while free.isEmpty && failure == nil { lock.wait() }
        if let failure { throw failure }
        return free.removeLast()
    }

    func flush() throws {
        lock.lock()
        defer { lock.unlock() }
        while drained < committed && failure == nil { lock.wait() }
        if let failure { throw failure }
    }

    func close() {
        lock.lock()
        closing = true
        lock.broadcast()
        while running > 0 { lock.wait() }
        lock.unlock()
    }

    func workLoop(_ worker: Int) {
        lock.lock()
        while true {
            while queued.isEmpty && !closing { lock.wait() }
            if queued.isEmpty { break }
            let job = queued.removeFirst()
            lock.unlock()
            work(worker, job.slot)
            lock.lock()
            finished[job.sequence] = job.slot
            lock.broadcast()
        }
        running -= 1
        lock.broadcast()
        lock.unlock()
    }

    func drainLoop() {
        lock.lock()
        while true {
            // Closing: end once every committed slot has come through (workers finish what is queued).
            while finished[drained] == nil && !(closing && drained == committed) { lock.wait() }
            guard let slot = finished.removeValue(forKey: drained) else { break }
            let failed = failure != nil
            lock.unlock()
            var error: Error?
            if !failed {
                if let e = slot.error {
                    error = e
                } else {
                    do { try drain(slot) } catch let e { error = e }
                }
            }
            lock.lock()
            if let error, failure == nil { failure = error }
            drained += 1
            free.append(slot)
            lock.broadcast()
        }
        running -= 1
        lock.broadcast()
        lock.unlock()
    }
}
