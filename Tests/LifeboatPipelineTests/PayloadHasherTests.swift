import Foundation
import LifeboatCore
import LifeboatDigest
import Testing

@testable import LifeboatPipeline

/// The payload's sha256 is the plaintext's, whatever the slices it arrives in, and the bytes pass on
/// unchanged; the benchmark puts a figure on what hashing costs the backup stream.
@Suite struct PayloadHasherTests {
    @Test(arguments: [1, 4096, 1 << 20, 3_000_001])
    func hashesThePlaintextAndPassesItOn(slice: Int) throws {
        let data = GzipFixtures.text(2_500_000) + GzipFixtures.random(700_000)
        let sink = MemorySink()
        let hasher = PayloadHasher(next: sink)
        try GzipFixtures.feed(data, to: hasher, slice: slice)
        try hasher.finish()
        #expect(sink.finished)
        #expect(sink.bytes == data)
        #expect(hasher.size == Int64(data.count))
        #expect(hasher.sha256 == SHA256Hasher.digest(data).hexString)
        #expect(throws: PayloadHasherError.self) { try hasher.write([1]) }
    }

    @Test func anEmptyPayloadHasTheEmptyDigest() throws {
        let hasher = PayloadHasher(next: CountingSink())
        try hasher.finish()
        #expect(hasher.size == 0)
        #expect(hasher.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    static let benchMiB = Int(ProcessInfo.processInfo.environment["LIFEBOAT_BENCH_PAYLOAD_MIB"] ?? "")

    /// What the hash costs the gzip stage at level 6 on every core, alone: an upper bound on its share
    /// of a backup, which also encrypts and writes. Runs only with LIFEBOAT_BENCH_PAYLOAD_MIB set.
    @Test("payload hash throughput cost", .enabled(if: benchMiB != nil))
    func bench() throws {
        let mib = Self.benchMiB ?? 256
        for (name, block) in [("sql text", GzipFixtures.text(64 << 20)), ("random", GzipFixtures.random(64 << 20))] {
            var best: [Bool: Double] = [:]
            var cpu: [Bool: Double] = [:]
            for round in 0..<6 {
                let hashed = round % 2 == 1
                let start = Date()
                let cpuStart = Self.processCPUSeconds()
                let gzip = try GzipMemberWriter(level: 6, output: CountingSink())
                let head: ByteSink = hashed ? PayloadHasher(next: gzip) : gzip
                var left = mib << 20
                while left > 0 {
                    let n = min(left, block.count)
                    try block.withUnsafeBytes { try head.write(UnsafeRawBufferPointer(rebasing: $0.prefix(n))) }
                    left -= n
                }
                try head.finish()
                let seconds = Date().timeIntervalSince(start)
                best[hashed] = min(best[hashed] ?? .infinity, seconds)
                cpu[hashed, default: 0] += Self.processCPUSeconds() - cpuStart
            }
            let plain = best[false] ?? 0
            let hashed = best[true] ?? 0
            let cpuCost = ((cpu[true] ?? 0) / (cpu[false] ?? 1) - 1) * 100
            print(
                "bench-payload: \(name), \(mib) MiB, gzip -6 on every core: "
                    + String(
                        format: "%.0f MB/s without, %.0f MB/s with the hash: cost %.1f%% wall, %.1f%% CPU time",
                        Double(mib << 20) / 1e6 / plain, Double(mib << 20) / 1e6 / hashed,
                        (hashed / plain - 1) * 100, cpuCost))
        }
    }

    /// CPU time the whole process has used, in seconds: steadier than wall time on a shared machine.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
