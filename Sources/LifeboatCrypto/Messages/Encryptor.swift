import LifeboatCore
import LifeboatDigest

/// Streams plaintext into one OpenPGP message (PKESK v3 per recipient, then SEIPD v1 with MDC) that GnuPG 2.2 reads.
///
/// Memory stays constant whatever the stream length: plaintext is framed into a literal packet and the
/// ciphertext into the SEIPD packet, both with partial body lengths of `chunkSize` bytes. The SHA-1 MDC
/// runs on a second thread while this one runs AES-256-CFB.
package final class OpenPGPEncryptor: ByteSink {
    /// The partial body chunk size: 2^20 = 1 MiB.
    package static let defaultChunkPower = 20
    /// Format 'b', empty file name, zero date: the six bytes that open the literal packet body.
    private static let literalHeader: [UInt8] = [0x62, 0, 0, 0, 0, 0]

    private let output: ByteSink
    private let chunkSize: Int
    private let chunkPower: Int
    private let cipher: CFBCipher
    private let mdc: AsyncHasher
    /// Plaintext of the literal packet waiting to be framed (at most one chunk).
    private var literal: ChunkBuffer
    private var literalCount = 0
    /// Ciphertext of the SEIPD body waiting to be framed (at most one chunk).
    private var sealed: [UInt8]
    private var sealedCount = 0
    private var literalStarted = false
    private var sealedStarted = false
    private var state = State.open

    private enum State { case open, finished, failed }

    package convenience init(recipients: [OpenPGPPublicKey], output: ByteSink) throws {
        try self.init(recipients: recipients, output: output, chunkPower: Self.defaultChunkPower)
    }

    /// `chunkPower` sets the partial length chunk to 2^chunkPower bytes (9...30); tests use small ones.
    init(recipients: [OpenPGPPublicKey], output: ByteSink, chunkPower: Int) throws {
        guard !recipients.isEmpty else { throw CryptoError(.misuse, "no recipients to encrypt to") }
        guard (9...30).contains(chunkPower) else { throw CryptoError(.misuse, "partial chunk size out of range") }
        self.output = output
        self.chunkPower = chunkPower
        self.chunkSize = 1 << chunkPower
        let algorithm = SymmetricAlgorithm.aes256
        let sessionKey = try LibCrypto.randomBytes(algorithm.keyLength)
        let block = SessionKeyBlock.encode(algorithm: algorithm, key: sessionKey)
        var header: [UInt8] = []
        for recipient in recipients {
            header += PacketWriter.packet(
                tag: PacketTag.pkesk, body: try Self.pkesk(block, to: recipient.encryptionKey))
        }
        cipher = try CFBCipher(algorithm, key: sessionKey, iv: [UInt8](repeating: 0, count: 16), encrypt: true)
        mdc = AsyncHasher(.sha1, bufferSize: chunkSize)
        literal = mdc.takeBuffer()
        sealed = [UInt8](repeating: 0, count: chunkSize)
        try output.write(header)
        // The SEIPD body starts with its version, then the encrypted random prefix with its quick-check repeat.
        sealed[0] = 1
        sealedCount = 1
        var prefix = try LibCrypto.randomBytes(16)
        prefix += prefix.suffix(2)
        try seal(prefix)
    }

    static func pkesk(_ block: [UInt8], to key: KeyPacket) throws -> [UInt8] {
        let head: [UInt8] = [3] + key.keyID + [key.algorithm]
        switch key.material {
        case .rsa(let n, let e):
            return head + Bytes.mpi(try RSA.encrypt(n: n, e: e, message: block))
        case .x25519(let pub, let kdfHash, let kdfCipher):
            let wrapped = try Curve25519ECDH.encrypt(
                sessionBlock: block, recipientPublic: pub, kdfHash: kdfHash,
                kdfCipher: kdfCipher, fingerprint: key.fingerprint)
            return head + wrapped.encoded
        default:
            throw CryptoError(.unsupported, "cannot encrypt to \(PublicKeyAlgorithm.name(key.algorithm)) keys")
        }
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard state == .open else { throw CryptoError(.misuse, "write after the encrypted stream ended") }
        guard let base = bytes.baseAddress else { return }
        do {
            var offset = 0
            while offset < bytes.count {
                if literalCount == chunkSize { try flushLiteral(final: false) }
                let n = min(chunkSize - literalCount, bytes.count - offset)
                (literal.pointer + literalCount).copyMemory(from: base + offset, byteCount: n)
                literalCount += n
                offset += n
            }
        } catch {
            state = .failed
            throw error
        }
    }

    package func finish() throws {
        guard state == .open else { throw CryptoError(.misuse, "finish after the encrypted stream ended") }
        state = .failed
        try flushLiteral(final: true)
        let mdcHeader: [UInt8] = [0xD3, 0x14]
        mdc.hash(mdcHeader)
        try seal(mdcHeader + mdc.finalize(), hash: false)
        try output.write(sealedHeader() + PacketWriter.lengthBytes(sealedCount))
        try sealed.withUnsafeBytes { try output.write(UnsafeRawBufferPointer(rebasing: $0[0..<sealedCount])) }
        sealedCount = 0
        try output.finish()
        state = .finished
    }

    /// Frames the buffered plaintext as the next (partial or final) piece of the literal packet and seals it.
    private func flushLiteral(final: Bool) throws {
        let power = [PacketWriter.partialLength(power: chunkPower)]
        if literalStarted {
            try seal(final ? PacketWriter.lengthBytes(literalCount) : power)
            try sealLiteral(0..<literalCount, carry: 0)
            return
        }
        literalStarted = true
        let tag = [0xC0 | UInt8(PacketTag.literal)]
        let header = Self.literalHeader
        if final {
            try seal(tag + PacketWriter.lengthBytes(header.count + literalCount) + header)
            try sealLiteral(0..<literalCount, carry: 0)
        } else {
            // The first piece holds 2^chunkPower bytes in all: the six header bytes, then data; the
            // last six data bytes carry over to the next piece.
            try seal(tag + power + header)
            try sealLiteral(0..<literalCount - header.count, carry: header.count)
        }
    }

    /// Hashes and encrypts part of the literal buffer, then swaps in a fresh buffer holding the carried bytes.
    private func sealLiteral(_ range: Range<Int>, carry: Int) throws {
        let current = literal
        mdc.hash(current, range)
        try seal(current.bytes(range), hash: false)
        let fresh = mdc.takeBuffer()
        if carry > 0 { fresh.pointer.copyMemory(from: current.pointer + range.upperBound, byteCount: carry) }
        mdc.recycle(current)
        literal = fresh
        literalCount = carry
    }

    private func seal(_ bytes: [UInt8], hash: Bool = true) throws {
        if hash { mdc.hash(bytes) }
        try bytes.withUnsafeBytes { try seal($0, hash: false) }
    }

    /// Encrypts into the SEIPD buffer and emits each full chunk as a partial piece.
    private func seal(_ bytes: UnsafeRawBufferPointer, hash: Bool) throws {
        if hash { mdc.hash(bytes) }
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            if sealedCount == chunkSize {
                try output.write(sealedHeader() + [PacketWriter.partialLength(power: chunkPower)])
                try sealed.withUnsafeBytes { try output.write($0) }
                sealedCount = 0
            }
            let n = min(chunkSize - sealedCount, bytes.count - offset)
            try sealed.withUnsafeMutableBytes { out in
                guard let dst = out.baseAddress else { return }
                try cipher.update(base + offset, dst + sealedCount, count: n)
            }
            sealedCount += n
            offset += n
        }
    }

    /// The SEIPD tag byte, once, before the first length.
    private func sealedHeader() -> [UInt8] {
        defer { sealedStarted = true }
        return sealedStarted ? [] : [0xC0 | UInt8(PacketTag.seipd)]
    }
}
