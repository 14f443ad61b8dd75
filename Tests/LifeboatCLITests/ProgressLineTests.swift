import Foundation
import LifeboatCLI
import LifeboatCore
import Testing

/// The progress line: what a terminal shows while a backup or restore works.
@Suite struct ProgressLineTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func backupShowsBytesRateAndChunksPerDestinationWithoutETA() {
        let meter = ProgressMeter()
        meter.start("backup orders")
        meter.addIn(20 * 1_048_576)
        meter.addOut(5 * 1_048_576)
        meter.shipping(chunksTotal: 5)
        meter.chunkDone(at: "nas")
        meter.chunkDone(at: "nas")
        meter.chunkDone(at: "s3")
        var s = meter.snapshot
        s.started = start
        let line = ProgressLine.render(s, now: start.addingTimeInterval(2), width: 200)
        #expect(line == "backup orders: in 20.0MiB, out 5.0MiB, 10.0MiB/s, chunks nas 2/5, s3 1/5")
    }

    @Test func restoreKnowsItsTotalAndShowsTheTimeLeft() {
        let meter = ProgressMeter()
        meter.start("restore orders", expectedIn: 100 * 1_048_576, chunksTotal: 100)
        meter.addIn(25 * 1_048_576)
        var s = meter.snapshot
        s.started = start
        let line = ProgressLine.render(s, now: start.addingTimeInterval(5), width: 200)
        #expect(line == "restore orders: in 25.0MiB/100.0MiB, 5.0MiB/s, ETA 0:15")
    }

    @Test func aNarrowTerminalGetsALineThatDoesNotWrap() {
        let meter = ProgressMeter()
        meter.start("restore a-policy-with-a-rather-long-name", expectedIn: 1 << 40)
        meter.addIn(1 << 30)
        var s = meter.snapshot
        s.started = start
        let line = ProgressLine.render(s, now: start.addingTimeInterval(1), width: 40)
        #expect(line.count == 39)
        #expect(line.hasSuffix("…"))
    }

    @Test func startingAgainResetsTheCounts() {
        let meter = ProgressMeter()
        meter.start("backup a")
        meter.addIn(10)
        meter.chunkDone(at: "nas")
        meter.start("backup b")
        #expect(meter.snapshot.bytesIn == 0)
        #expect(meter.snapshot.chunks.isEmpty)
        meter.finish()
        #expect(meter.snapshot.task.isEmpty)
    }

    @Test func clockReadsAsHoursMinutesSeconds() {
        #expect(ProgressLine.clock(7) == "0:07")
        #expect(ProgressLine.clock(750) == "12:30")
        #expect(ProgressLine.clock(3723) == "1:02:03")
        #expect(ProgressLine.clock(0.2) == "0:01")
    }
}
