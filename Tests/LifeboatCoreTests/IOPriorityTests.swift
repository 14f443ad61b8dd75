import LifeboatCore
import Testing

/// `ionice`: the names ionice(1) uses, read strictly, and the kernel's encoding of each.
@Suite struct IOPriorityTests {
    @Test func readsTheThreeClasses() {
        #expect(IOPriority(parsing: "idle") == .idle)
        #expect(IOPriority(parsing: "best-effort:7") == .bestEffort(7))
        #expect(IOPriority(parsing: "best-effort") == .bestEffort(4))
        #expect(IOPriority(parsing: "realtime:0") == .realtime(0))
    }

    @Test func refusesWhatIsNotOne() {
        for text in ["", "idle:3", "best-effort:8", "best-effort:-1", "realtime:x", "be:4", "Idle", "best-effort:"] {
            #expect(IOPriority(parsing: text) == nil, "\(text)")
        }
    }

    @Test func encodesAsTheKernelDoes() {
        // IOPRIO_PRIO_VALUE(class, data) = class << 13 | data; RT 1, BE 2, IDLE 3.
        #expect(IOPriority.realtime(3).kernelValue == 8195)
        #expect(IOPriority.bestEffort(7).kernelValue == 16391)
        #expect(IOPriority.idle.kernelValue == 24576)
        #expect(IOPriority.bestEffort(7).description == "best-effort:7")
    }
}
