import LifeboatCore
import LifeboatPipeline
import Testing

@Suite struct TailHoldingSinkTests {
    @Test(arguments: [0, 1, 999, 1000, 1001, 5000, 123_457])
    func theLastBytesReachTheNextStageOnlyOnFinish(total: Int) throws {
        let next = MemorySink()
        let sink = TailHoldingSink(next: next, holdBack: 1000)
        let data = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        var offset = 0
        var step = 1
        while offset < total {
            let end = min(total, offset + step)
            try sink.write(Array(data[offset..<end]))
            offset = end
            step = step * 3 + 1
            #expect(next.bytes.count <= max(0, offset - 1000))
        }
        #expect(!next.finished)
        try sink.finish()
        #expect(next.finished)
        #expect(next.bytes == data)
    }
}
