import Foundation
import Synchronization
import Testing

@testable import LifeboatPipeline

/// The ring behind gzip and zstd, both ways: whatever order the workers finish in, blocks are drained in commit
/// order; no more slots than it was given ever exist; a failure in a worker or in the drain reaches the
/// caller, and nothing waits forever.
@Suite struct BlockRingTests {
    /// A worker that copies its input to its output after a random pause, so blocks finish out of order.
    static func slowCopy(_ worker: Int, _ slot: BlockSlot) {
        usleep(UInt32.random(in: 0...3000))
        slot.output.count = 0
        slot.output.append(slot.input.bytes)
    }

    @Test func blocksAreDrainedInCommitOrderWithBoundedSlots() throws {
        let drained = Mutex<[UInt8]>([])
        let made = Mutex(0)
        let ring = BlockRing(
            width: 3, slots: 6,
            makeSlot: {
                made.withLock { $0 += 1 }
                return BlockSlot(inputCapacity: 16, outputCapacity: 16)
            }, work: Self.slowCopy,
            drain: { slot in drained.withLock { $0.append(contentsOf: slot.output.bytes) } })
        for i in 0..<200 {
            let byte = [UInt8(i)]
            ring.current.input.count = 0
            byte.withUnsafeBytes { ring.current.input.append($0) }
            try ring.commit()
        }
        try ring.flush()
        #expect(!ring.hasPending)
        #expect(drained.withLock { $0 } == (0..<200).map { UInt8($0) })
        #expect(made.withLock { $0 } == 6)
    }

    @Test func aWorkersFailureReachesTheCaller() throws {
        let ring = BlockRing(
            width: 2, makeSlot: { BlockSlot(inputCapacity: 4, outputCapacity: 4) },
            work: { _, slot in
                if slot.index == 5 { slot.error = CompressionError(.corruptMember, "member 5 is bad") }
            }, drain: { _ in })
        var thrown: Error?
        do {
            for i in 0..<50 {
                ring.current.index = i
                ring.current.error = nil
                try ring.commit()
            }
            try ring.flush()
        } catch {
            thrown = error
        }
        #expect((thrown as? CompressionError)?.description.contains("member 5 is bad") == true)
        #expect(throws: CompressionError.self) { try ring.flush() }
    }

    @Test func aDrainFailureReachesTheCallerAndTheRingEnds() throws {
        struct Full: Error {}
        let drains = Mutex(0)
        var ring: BlockRing? = BlockRing(
            width: 2, makeSlot: { BlockSlot(inputCapacity: 4, outputCapacity: 4) }, work: { _, _ in },
            drain: { _ in
                let n = drains.withLock { count in
                    count += 1
                    return count
                }
                if n == 3 { throw Full() }
            })
        #expect(throws: Full.self) {
            for _ in 0..<100 { try ring?.commit() }
            try ring?.flush()
        }
        ring = nil  // ends its threads; must not hang
        #expect(drains.withLock { $0 } == 3)
    }
}
