import LifeboatCore
import LifeboatDigest

/// Decrypts a SEIPD v1 body as it streams: checks the quick-check prefix, holds back the last 22 bytes
/// (the MDC packet) and verifies the SHA-1 MDC when the packet ends.
///
/// Ciphertext is gathered into 1 MiB buffers (gpg frames its data in small partial chunks), decrypted
/// with the parallel ECB path, and hashed on a second thread while the plaintext flows on.
final class SEIPDReader {
    private static let mdcLength = 22
    static let bufferSize = 1 << 20

    private let cipher: FastCFBDecryptor
    private let mdc = AsyncHasher(.sha1, bufferSize: SEIPDReader.bufferSize)
    private let plaintext: PlaintextReader
    private var versionSeen = false
    private var prefix: [UInt8] = []
    private let prefixLength = SymmetricAlgorithm.blockSize + 2
    private var tail: [UInt8] = []
    private var buffer: ChunkBuffer
    private var filled = 0

    init(sessionKey: (SymmetricAlgorithm, [UInt8]), output: ByteSink) throws {
        cipher = try FastCFBDecryptor(sessionKey.0, key: sessionKey.1, iv: [UInt8](repeating: 0, count: 16))
        plaintext = PlaintextReader(output: output)
        buffer = mdc.takeBuffer()
    }

    func body(_ bytes: UnsafeRawBufferPointer) throws {
        var input = bytes[...]
        if !versionSeen {
            guard let version = input.first else { return }
            guard version == 1 else {
                throw CryptoError(.unsupported, "encrypted data packet version \(version) is not supported")
            }
            versionSeen = true
            input = input.dropFirst()
        }
        while !input.isEmpty {
            let n = min(input.count, buffer.capacity - filled)
            let piece = UnsafeRawBufferPointer(rebasing: input.prefix(n))
            input = input.dropFirst(n)
            guard let src = piece.baseAddress else { break }
            try cipher.decrypt(src, buffer.pointer + filled, count: n)
            filled += n
            if filled == buffer.capacity { try process() }
        }
    }

    /// Hands the decrypted buffer on, keeping back what may be the MDC packet.
    private func process() throws {
        guard filled > 0 else { return }
        let current = buffer
        var lower = 0
        let upper = filled
        if prefix.count < prefixLength {
            let n = min(prefixLength - prefix.count, upper)
            prefix.append(contentsOf: current.bytes(0..<n))
            lower = n
            if prefix.count == prefixLength {
                mdc.hash(prefix)
                guard prefix[16] == prefix[14], prefix[17] == prefix[15] else {
                    throw CryptoError(
                        .integrity, "integrity check failed: the message is corrupted or the session key is wrong")
                }
            }
        }
        if upper - lower >= Self.mdcLength {
            try release(tail)
            let cut = upper - Self.mdcLength
            if cut > lower {
                mdc.hash(current, lower..<cut)
                try plaintext.feed(current.bytes(lower..<cut))
            }
            tail = Array(current.bytes(cut..<upper))
        } else if upper > lower {
            tail.append(contentsOf: current.bytes(lower..<upper))
            if tail.count > Self.mdcLength {
                let extra = tail.count - Self.mdcLength
                try release(Array(tail.prefix(extra)))
                tail.removeFirst(extra)
            }
        }
        mdc.recycle(current)
        buffer = mdc.takeBuffer()
        filled = 0
    }

    private func release(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        mdc.hash(bytes)
        try bytes.withUnsafeBytes { try plaintext.feed($0) }
    }

    /// Checks the MDC; only then is the plaintext complete and trustworthy.
    func end() throws {
        try process()
        guard prefix.count == prefixLength, tail.count == Self.mdcLength, tail[0] == 0xD3, tail[1] == 0x14 else {
            throw CryptoError(.integrity, "integrity check failed: the encrypted data is truncated or has no mdc")
        }
        mdc.hash(Array(tail.prefix(2)))
        guard Bytes.constantTimeEqual(mdc.finalize(), Array(tail.suffix(20))) else {
            throw CryptoError(
                .integrity, "integrity check failed (mdc mismatch): the message is corrupted or was tampered with")
        }
        try plaintext.finish()
    }
}

/// Reads the packets inside the decrypted data: one literal packet, possibly inside an uncompressed
/// compressed-data packet, with one-pass signatures and signatures skipped (not verified).
final class PlaintextReader: PacketHandler {
    private enum Current {
        case none
        case literalHeader([UInt8])
        case literalData
        case compressed(PacketStream?)
        case skip
    }

    private let output: ByteSink
    private let depth: Int
    private var stream: PacketStream?
    private var current = Current.none
    private var nested: PlaintextReader?
    private var literalCount = 0

    init(output: ByteSink, depth: Int = 0) {
        self.output = output
        self.depth = depth
    }

    private func packets() -> PacketStream {
        if let stream { return stream }
        let s = PacketStream(handler: self, what: "decrypted message")
        stream = s
        return s
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws { try packets().feed(bytes) }

    func finish() throws {
        try packets().finish()
        guard literalCount == 1 else {
            throw CryptoError(
                .badMessage,
                literalCount == 0
                    ? "the message holds no literal data" : "the message holds more than one literal data packet")
        }
    }

    func packetBegan(tag: Int) throws {
        switch tag {
        case PacketTag.literal:
            literalCount += 1
            guard literalCount == 1 else {
                throw CryptoError(.badMessage, "the message holds more than one literal data packet")
            }
            current = .literalHeader([])
        case PacketTag.compressed:
            guard depth < 4 else { throw CryptoError(.badMessage, "compressed data is nested too deeply") }
            current = .compressed(nil)
        case PacketTag.onePassSignature, PacketTag.signature, PacketTag.marker:
            current = .skip
        default:
            throw CryptoError(.badMessage, "unexpected packet (tag \(tag)) inside the encrypted data")
        }
    }

    func packetBody(_ bytes: UnsafeRawBufferPointer) throws {
        switch current {
        case .literalData:
            try output.write(bytes)
        case .literalHeader(var header):
            // Format, name length, name, four-byte date: then the data.
            var rest = bytes[...]
            while !rest.isEmpty {
                let needed = header.count < 2 ? 2 : 2 + Int(header[1]) + 4
                if header.count >= needed { break }
                let n = min(needed - header.count, rest.count)
                header.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest.prefix(n)))
                rest = rest.dropFirst(n)
            }
            let complete = header.count >= 2 && header.count == 2 + Int(header[1]) + 4
            current = complete ? .literalData : .literalHeader(header)
            if complete, !rest.isEmpty { try output.write(UnsafeRawBufferPointer(rebasing: rest)) }
        case .compressed(let inner):
            if let inner {
                try inner.feed(bytes)
            } else if let algorithm = bytes.first {
                guard algorithm == 0 else {
                    throw CryptoError(.unsupported, "compressed OpenPGP messages are not supported: encrypt with -z 0")
                }
                let reader = PlaintextReader(output: output, depth: depth + 1)
                nested = reader
                let stream = PacketStream(handler: reader, what: "decrypted message")
                current = .compressed(stream)
                try stream.feed(UnsafeRawBufferPointer(rebasing: bytes.dropFirst()))
            }
        case .none, .skip:
            break
        }
    }

    func packetEnded() throws {
        switch current {
        case .literalHeader:
            throw CryptoError(.badMessage, "literal data packet is truncated")
        case .compressed(let inner):
            guard let inner, let reader = nested else {
                throw CryptoError(.badMessage, "compressed data packet is empty")
            }
            try inner.finish()
            guard reader.literalCount == 1 else { throw CryptoError(.badMessage, "the message holds no literal data") }
            literalCount += reader.literalCount
            guard literalCount == 1 else {
                throw CryptoError(.badMessage, "the message holds more than one literal data packet")
            }
            nested = nil
        default:
            break
        }
        current = .none
    }
}
