import Foundation
import LifeboatCore
import LifeboatDigest
import LifeboatTestSupport
import Testing

@testable import LifeboatCrypto

/// A sink that hashes what it gets, for streams too large to keep.
final class HashingSink: ByteSink {
    private var hasher = SHA256Hasher()
    private(set) var count = 0
    private(set) var finished = false
    private(set) var digest: [UInt8] = []
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        count += bytes.count
    }
    func finish() throws {
        finished = true
        var done = SHA256Hasher()
        swap(&done, &hasher)
        digest = done.finalize()
    }
}

/// A sink that appends to a file.
final class FileSink: ByteSink {
    let handle: FileHandle
    init(path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        handle = h
    }
    func write(_ bytes: UnsafeRawBufferPointer) throws { try handle.write(contentsOf: Data(bytes)) }
    func finish() throws { try handle.close() }
}

@Suite("messages: boundaries, recipients, streams, tampering")
struct MessageTests {
    let fixture: GnuPGFixture
    init() throws { fixture = try GnuPGFixture.shared() }

    static let boundarySizes: [Int] = {
        var sizes = [
            0, 1, 2, 191, 192, 193, 505, 506, 507, 511, 512, 513, 8191, 8192, 8193, 8383, 8384, 65535, 65536, 65537,
        ]
        let chunk = 1 << OpenPGPEncryptor.defaultChunkPower
        sizes += [
            chunk - 7, chunk - 6, chunk - 5, chunk - 1, chunk, chunk + 1, 2 * chunk - 6, 2 * chunk, 2 * chunk + 1,
        ]
        return sizes
    }()

    @Test func gpgDecryptsEveryBoundary() throws {
        let key = try fixture.publicKey(fixture.curve)
        for power in [9, OpenPGPEncryptor.defaultChunkPower] {
            for size in Self.boundarySizes where power == OpenPGPEncryptor.defaultChunkPower || size <= 65537 {
                let plaintext = TestData.bytes(size, seed: UInt64(size + power))
                let message = try TestData.encrypt(plaintext, to: [key], chunkPower: power, slice: 3000)
                let result = try fixture.home.decrypt(message)
                #expect(result.status == 0, "size \(size) chunk 2^\(power): \(result.stderr)")
                #expect(result.stdout == plaintext, "size \(size) chunk 2^\(power)")
                let (sink, error) = lifeboatDecrypt(
                    message, keys: [try fixture.secretKey(fixture.curve)], slice: 100_000)
                #expect(error == nil && sink.finished && sink.bytes == plaintext, "size \(size) chunk 2^\(power)")
            }
        }
    }

    @Test func twoRecipientsEachDecryptAlone() throws {
        let plaintext = TestData.bytes(30_000, seed: 3)
        let message = try TestData.encrypt(
            plaintext, to: [try fixture.publicKey(fixture.rsa), try fixture.publicKey(fixture.curve)])
        for fpr in [fixture.rsa, fixture.curve] {
            let home = try GnuPGHome()
            defer { home.stop() }
            try home.importKey(try fixture.home.exportSecret(fpr))
            let result = try home.decrypt(message)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == plaintext)
        }
        // And gpg's own two-recipient messages decrypt with either key here.
        let fromGPG = try fixture.home.encrypt(plaintext, to: [fixture.rsa, fixture.curve])
        for fpr in [fixture.rsa, fixture.curve] {
            let (sink, error) = lifeboatDecrypt(fromGPG, keys: [try fixture.secretKey(fpr)])
            #expect(error == nil && sink.finished && sink.bytes == plaintext)
        }
    }

    @Test func largeStreamThroughGnuPG() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("big.gpg")
        let out = try FileSink(path: path)
        let enc = try OpenPGPEncryptor(recipients: [try fixture.publicKey(fixture.curve)], output: out)
        var hasher = SHA256Hasher()
        let block = TestData.bytes(1 << 20, seed: 99)
        var total = 0
        for i in 0..<64 {
            var piece = block
            piece[0] = UInt8(i)
            let n = piece.count - i * 1000  // uneven slices
            try piece.withUnsafeBytes { try enc.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            piece.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += n
        }
        try enc.finish()
        let expected = hasher.finalize().hexString
        let result = try Command.run([
            "sh", "-c", "gpg --homedir '\(fixture.home.path)' --batch --quiet --decrypt '\(path)' | sha256sum",
        ])
        #expect(result.stdoutText.hasPrefix(expected), "\(result.stderr)")

        // Lifeboat reads it back in 1 MiB slices into a hashing sink.
        let sink = HashingSink()
        let dec = OpenPGPDecryptor(keys: [try fixture.secretKey(fixture.curve)], output: sink)
        guard let input = FileHandle(forReadingAtPath: path) else {
            Issue.record("cannot open")
            return
        }
        while let data = try input.read(upToCount: 1 << 20), !data.isEmpty { try dec.write([UInt8](data)) }
        try dec.finish()
        #expect(sink.finished && sink.count == total && sink.digest.hexString == expected)
    }

    @Test func messageForOtherKeysNamesThem() throws {
        let message = try TestData.encrypt([1, 2, 3], to: [try fixture.publicKey(fixture.other)])
        let otherSub = try fixture.publicKey(fixture.other).encryptionKeyID
        let (sink, error) = lifeboatDecrypt(message, keys: [try fixture.secretKey(fixture.curve)])
        let e = try #require(error as? CryptoError)
        #expect(e.kind == .noMatchingKey)
        #expect(e.message.contains(otherSub), "\(e.message)")
        #expect(!e.message.contains("\n"))
        #expect(!sink.finished)
    }

    @Test func compressedMessagesAreExplained() throws {
        let plaintext = Array(repeating: UInt8(65), count: 10_000)
        let compressed = try fixture.home.gpg(
            [
                "--trust-model", "always", "-z", "6", "--compress-algo", "zlib", "--encrypt",
                "-r", fixture.curve,
            ], stdin: plaintext
        ).stdout
        let (sink, error) = lifeboatDecrypt(compressed, keys: [try fixture.secretKey(fixture.curve)])
        #expect((error as? CryptoError)?.message == "compressed OpenPGP messages are not supported: encrypt with -z 0")
        #expect(!sink.finished)
    }

    @Test func everyFlippedByteIsCaught() throws {
        let keys = [try fixture.secretKey(fixture.curve)]
        let plaintext = TestData.bytes(1500, seed: 5)
        let message = try TestData.encrypt(plaintext, to: [try fixture.publicKey(fixture.curve)], chunkPower: 9)
        var rng = SeededGenerator(seed: 2024)
        for position in 0..<message.count {
            var bad = message
            bad[position] ^= UInt8(1 << Int(rng.next() % 8))
            let (sink, error) = lifeboatDecrypt(bad, keys: keys, slice: 700)
            #expect(error != nil, "flip at \(position) went unnoticed")
            #expect(!sink.finished, "flip at \(position) finished the output")
        }
        // Truncation at any point, and trailing garbage.
        for cut in stride(from: 0, to: message.count, by: 37) {
            let (sink, error) = lifeboatDecrypt(Array(message.prefix(cut)), keys: keys)
            #expect(error != nil && !sink.finished, "cut at \(cut)")
        }
        let (sink, error) = lifeboatDecrypt(message + [0xC1, 0x00], keys: keys)
        #expect(error != nil && !sink.finished)
    }

    @Test func downstreamFinishesOnlyAfterMDC() throws {
        let plaintext = TestData.bytes(50_000, seed: 6)
        var message = try TestData.encrypt(plaintext, to: [try fixture.publicKey(fixture.curve)])
        message[message.count - 3] ^= 0x80  // inside the MDC
        let sink = MemorySink()
        let dec = OpenPGPDecryptor(keys: [try fixture.secretKey(fixture.curve)], output: sink)
        let e = #expect(throws: CryptoError.self) {
            try dec.write(message)
            try dec.finish()
        }
        #expect(e?.kind == .integrity)
        #expect(!sink.finished)
        #expect(throws: CryptoError.self) { try dec.finish() }
        #expect(!sink.finished)
    }
}
