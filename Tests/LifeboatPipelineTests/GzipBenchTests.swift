import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatPipeline

/// Throughput figures for scripts/bench-gzip.sh; skipped unless LIFEBOAT_BENCH_GZIP names an input file.
@Suite("gzip benchmark")
struct GzipBenchTests {
    static let input = ProcessInfo.processInfo.environment["LIFEBOAT_BENCH_GZIP"]

    @Test("compress and inflate an input file at 1 and all workers", .enabled(if: input != nil))
    func bench() throws {
        guard let path = Self.input else { return }
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let level = Int(ProcessInfo.processInfo.environment["LIFEBOAT_BENCH_LEVEL"] ?? "") ?? 6
        let cores = ProcessInfo.processInfo.activeProcessorCount
        for workers in Set([1, cores]).sorted() {
            let compressed = MemorySink()
            var start = Date()
            let writer = try GzipMemberWriter(level: level, output: compressed, concurrency: workers)
            try GzipFixtures.feed(data, to: writer, slice: 1 << 20)
            try writer.finish()
            let deflateSeconds = Date().timeIntervalSince(start)
            start = Date()
            let reader = GzipReader(output: CountingSink(), concurrency: workers)
            try GzipFixtures.feed(compressed.bytes, to: reader, slice: 1 << 20)
            try reader.finish()
            let inflateSeconds = Date().timeIntervalSince(start)
            print(
                Self.line(
                    "lifeboat level \(level), \(workers) worker(s)", data.count, compressed.bytes.count,
                    deflateSeconds, inflateSeconds))
        }
        let gz = try Command.run(["gzip", "-c", "-6"], stdin: data).stdout
        let start = Date()
        let reader = GzipReader(output: CountingSink())
        try GzipFixtures.feed(gz, to: reader, slice: 1 << 20)
        try reader.finish()
        print(Self.line("zlib path (gzip -6 input)", data.count, gz.count, nil, Date().timeIntervalSince(start)))
    }

    static func line(_ what: String, _ input: Int, _ output: Int, _ deflate: Double?, _ inflate: Double) -> String {
        let mb = Double(input) / 1e6
        let deflateRate = deflate.map { String(format: "%.0f", mb / $0) } ?? "-"
        return "bench-gzip: \(what): \(input) -> \(output) bytes, deflate \(deflateRate) MB/s, inflate "
            + String(format: "%.0f", mb / inflate) + " MB/s"
    }
}
