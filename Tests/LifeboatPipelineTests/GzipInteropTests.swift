import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

@testable import LifeboatPipeline

@Suite("gzip interoperability")
struct GzipInteropTests {
    static let data = GzipFixtures.text(2_700_000) + GzipFixtures.random(1_300_000)

    @Test("gunzip, pigz and python read our stream whole")
    func othersReadUs() throws {
        let dir = try TemporaryDirectory()
        let gz = try GzipFixtures.compress(Self.data)
        let path = dir.file("data.gz")
        try Data(gz).write(to: URL(fileURLWithPath: path))
        let gunzip = try Command.run(["gunzip", "-c"], stdinFile: path)
        #expect(gunzip.status == 0, "\(gunzip.stderr)")
        #expect(gunzip.stdout == Self.data)
        #expect(try Command.run(["gzip", "-t", path]).status == 0)
        if Command.exists("pigz") {
            let pigz = try Command.run(["pigz", "-dc"], stdinFile: path)
            #expect(pigz.status == 0, "\(pigz.stderr)")
            #expect(pigz.stdout == Self.data)
        }
        let script =
            "import gzip,sys,hashlib; d=gzip.decompress(open(sys.argv[1],'rb').read()); "
            + "print(len(d), hashlib.sha256(d).hexdigest())"
        let python = try Command.run(["python3", "-c", script, path])
        #expect(python.status == 0, "\(python.stderr)")
        let expected = try Command.run(["sha256sum"], stdin: Self.data).stdoutText.prefix(64)
        #expect(python.stdoutText == "\(Self.data.count) \(expected)\n")
    }

    @Test("gunzip reads an empty stream and a one-byte stream at levels 0 and 12", arguments: [0, 12])
    func tiny(level: Int) throws {
        for data in [[], [UInt8(42)]] {
            let gz = try GzipFixtures.compress(data, level: level)
            let gunzip = try Command.run(["gunzip", "-c"], stdin: gz)
            #expect(gunzip.status == 0, "\(gunzip.stderr)")
            #expect(gunzip.stdout == data)
        }
    }

    @Test("a multi-member stream made by gzip goes through zlib")
    func readGzip() throws {
        let dir = try TemporaryDirectory()
        let a = Array(Self.data.prefix(1_000_000))
        let b = Array(Self.data.dropFirst(1_000_000))
        var stream: [UInt8] = []
        for (i, part) in [a, b, []].enumerated() {
            let path = dir.file("part\(i)")
            try Data(part).write(to: URL(fileURLWithPath: path))
            let made = try Command.run(["gzip", "-c", "-n", path])
            #expect(made.status == 0)
            stream += made.stdout
        }
        #expect(try GzipFixtures.decompress(stream) == a + b)
        #expect(try GzipFixtures.decompress(stream, slice: 1) == a + b)
    }

    @Test("a stream made by pigz goes through zlib", .enabled(if: Command.exists("pigz")))
    func readPigz() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("in")
        try Data(Self.data).write(to: URL(fileURLWithPath: path))
        let made = try Command.run(["pigz", "-c", "-p", "2", "-b", "128", path])
        #expect(made.status == 0)
        // Two pigz streams back to back make a multi-member file.
        let stream = made.stdout + made.stdout
        #expect(try GzipFixtures.decompress(stream, slice: 9999) == Self.data + Self.data)
    }

    @Test("our members followed by a foreign member read in order")
    func mixed() throws {
        let ours = try GzipFixtures.compress(Array(Self.data.prefix(3_000_000)))
        let theirs = try Command.run(["gzip", "-c", "-n"], stdin: Array(Self.data.dropFirst(3_000_000))).stdout
        #expect(try GzipFixtures.decompress(ours + theirs) == Self.data)
        let swapped = Array(Self.data.dropFirst(3_000_000)) + Array(Self.data.prefix(3_000_000))
        #expect(try GzipFixtures.decompress(theirs + ours) == swapped)
    }
}
