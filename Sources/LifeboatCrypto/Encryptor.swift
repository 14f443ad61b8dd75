import LifeboatCore

/// Streams plaintext into one OpenPGP message (PKESK v3 per recipient, then SEIPD v1 with MDC) that GnuPG 2.2 reads.
///
/// Memory stays constant whatever the stream length: plaintext is framed into a literal packet and the
/// ciphertext into the SEIPD packet, both with partial body lengths of `chunkSize` bytes.
public final class OpenPGPEncryptor: ByteSink {
    /// The partial body chunk size: 1 MiB.
    public static let defaultChunkPower = 20

    private let output: ByteSink
    private let chunkSize: Int
    private let chunkPower: Int
    private let cipher: CFBCipher
    private let mdc = Hasher(.sha1)
    /// Plaintext of the literal packet waiting to be framed (at most one chunk).
    private var literal: [UInt8]
    /// Ciphertext of the SEIPD body waiting to be framed (at most one chunk).
    private var sealed: [UInt8]
    private var sealedCount = 0
    private var literalStarted = false
    private var sealedStarted = false
    private var state = State.open

    private enum State { case open, finished, failed }

    public convenience init(recipients: [OpenPGPPublicKey], output: ByteSink) throws {
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
            header += PacketWriter.packet(tag: PacketTag.pkesk, body: try Self.pkesk(block, to: recipient.encryptionKey))
        }
        try output.write(header)
        cipher = try CFBCipher(algorithm, key: sessionKey, iv: [UInt8](repeating: 0, count: 16), encrypt: true)
        literal = []
        literal.reserveCapacity(chunkSize)
        sealed = [UInt8](repeating: 0, count: chunkSize)
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
            let wrapped = try Curve25519ECDH.encrypt(sessionBlock: block, recipientPublic: pub, kdfHash: kdfHash,
                                                      kdfCipher: kdfCipher, fingerprint: key.fingerprint)
            return head + wrapped.encoded
        default:
            throw CryptoError(.unsupported, "cannot encrypt to \(PublicKeyAlgorithm.name(key.algorithm)) keys")
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard state == .open else { throw CryptoError(.misuse, "write after the encrypted stream ended") }
        do {
            var offset = 0
            while offset < bytes.count {
                if literal.count == chunkSize { try flushLiteral(final: false) }
                let n = min(chunkSize - literal.count, bytes.count - offset)
                literal.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n]))
                offset += n
            }
        } catch {
            state = .failed
            throw error
        }
    }

    public func finish() throws {
        guard state == .open else { throw CryptoError(.misuse, "finish after the encrypted stream ended") }
        state = .failed
        try flushLiteral(final: true)
        let mdcHeader: [UInt8] = [0xD3, 0x14]
        mdc.update(mdcHeader)
        try seal(mdcHeader + mdc.finalize(), hash: false)
        try output.write(sealedHeader() + PacketWriter.lengthBytes(sealedCount))
        try sealed.withUnsafeBytes { try output.write(UnsafeRawBufferPointer(rebasing: $0[0..<sealedCount])) }
        sealedCount = 0
        try output.finish()
        state = .finished
    }

    /// Frames the buffered plaintext as the next (partial or final) piece of the literal packet and seals it.
    private func flushLiteral(final: Bool) throws {
        var head: [UInt8] = []
        if !literalStarted {
            literalStarted = true
            head.append(0xC0 | UInt8(PacketTag.literal))
            // Format 'b', empty file name, zero date: six bytes that precede the data in the first piece.
            let first: [UInt8] = [0x62, 0, 0, 0, 0, 0]
            if final {
                head += PacketWriter.lengthBytes(first.count + literal.count) + first
            } else {
                // The first piece must hold 2^chunkPower bytes in all: the six header bytes plus data.
                head += [PacketWriter.partialLength(power: chunkPower)] + first
                let carry = Array(literal.suffix(first.count))
                literal.removeLast(first.count)
                try seal(head)
                try sealBuffer()
                literal = carry
                return
            }
        } else {
            head += final ? PacketWriter.lengthBytes(literal.count) : [PacketWriter.partialLength(power: chunkPower)]
        }
        try seal(head)
        try sealBuffer()
        literal.removeAll(keepingCapacity: true)
    }

    private func sealBuffer() throws {
        try literal.withUnsafeBytes { try seal($0, hash: true) }
    }

    private func seal(_ bytes: [UInt8], hash: Bool = true) throws {
        try bytes.withUnsafeBytes { try seal($0, hash: hash) }
    }

    /// Hashes plaintext into the MDC, encrypts it into the SEIPD buffer, and emits full chunks as partial pieces.
    private func seal(_ bytes: UnsafeRawBufferPointer, hash: Bool) throws {
        if hash { mdc.update(bytes) }
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
