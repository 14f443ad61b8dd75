import LifeboatCore

/// Decrypts a SEIPD v1 body as it streams: checks the quick-check prefix, holds back the last 22 bytes
/// (the MDC packet) and verifies the SHA-1 MDC when the packet ends.
final class SEIPDReader {
    private static let mdcLength = 22

    private let cipher: CFBCipher
    private let mdc = Hasher(.sha1)
    private let plaintext: PlaintextReader
    private var versionSeen = false
    private var prefix: [UInt8] = []
    private let prefixLength = SymmetricAlgorithm.blockSize + 2
    private var tail: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 1 << 16)

    init(sessionKey: (SymmetricAlgorithm, [UInt8]), output: ByteSink) throws {
        cipher = try CFBCipher(sessionKey.0, key: sessionKey.1, iv: [UInt8](repeating: 0, count: 16), encrypt: false)
        plaintext = PlaintextReader(output: output)
    }

    func body(_ bytes: UnsafeRawBufferPointer) throws {
        var input = bytes[...]
        if !versionSeen {
            guard let version = input.first else { return }
            guard version == 1 else { throw CryptoError(.unsupported, "encrypted data packet version \(version) is not supported") }
            versionSeen = true
            input = input.dropFirst()
        }
        while !input.isEmpty {
            let n = min(input.count, scratch.count)
            let piece = UnsafeRawBufferPointer(rebasing: input.prefix(n))
            input = input.dropFirst(n)
            try scratch.withUnsafeMutableBytes { out in
                guard let src = piece.baseAddress, let dst = out.baseAddress else { return }
                try cipher.update(src, dst, count: n)
                try take(UnsafeRawBufferPointer(rebasing: out[0..<n]))
            }
        }
    }

    private func take(_ decrypted: UnsafeRawBufferPointer) throws {
        var plain = decrypted[...]
        if prefix.count < prefixLength {
            let n = min(prefixLength - prefix.count, plain.count)
            prefix.append(contentsOf: UnsafeRawBufferPointer(rebasing: plain.prefix(n)))
            plain = plain.dropFirst(n)
            if prefix.count == prefixLength {
                mdc.update(prefix)
                guard prefix[16] == prefix[14], prefix[17] == prefix[15] else {
                    throw CryptoError(.integrity, "integrity check failed: the message is corrupted or the session key is wrong")
                }
            }
        }
        guard !plain.isEmpty else { return }
        if plain.count >= Self.mdcLength {
            try release(tail)
            try release(UnsafeRawBufferPointer(rebasing: plain.dropLast(Self.mdcLength)))
            tail = Array(UnsafeRawBufferPointer(rebasing: plain.suffix(Self.mdcLength)))
        } else {
            tail.append(contentsOf: UnsafeRawBufferPointer(rebasing: plain))
            if tail.count > Self.mdcLength {
                let extra = tail.count - Self.mdcLength
                try release(Array(tail.prefix(extra)))
                tail.removeFirst(extra)
            }
        }
    }

    private func release(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try release($0) }
    }

    private func release(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        mdc.update(bytes)
        try plaintext.feed(bytes)
    }

    /// Checks the MDC; only then is the plaintext complete and trustworthy.
    func end() throws {
        guard prefix.count == prefixLength, tail.count == Self.mdcLength, tail[0] == 0xD3, tail[1] == 0x14 else {
            throw CryptoError(.integrity, "integrity check failed: the encrypted data is truncated or has no mdc")
        }
        mdc.update(Array(tail.prefix(2)))
        guard Bytes.constantTimeEqual(mdc.finalize(), Array(tail.suffix(20))) else {
            throw CryptoError(.integrity, "integrity check failed (mdc mismatch): the message is corrupted or was tampered with")
        }
        try plaintext.finish()
    }
}

/// Reads the packets inside the decrypted data: one literal packet, possibly inside an uncompressed
/// compressed-data packet, with one-pass signatures and signatures skipped (not verified).
final class PlaintextReader: PacketHandler {
    private enum Current { case none, literalHeader([UInt8]), literalData, compressed(PacketStream?), skip }

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
            throw CryptoError(.badMessage, literalCount == 0 ? "the message holds no literal data" : "the message holds more than one literal data packet")
        }
    }


    func packetBegan(tag: Int) throws {
        switch tag {
        case PacketTag.literal:
            literalCount += 1
            guard literalCount == 1 else { throw CryptoError(.badMessage, "the message holds more than one literal data packet") }
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
            guard let inner, let reader = nested else { throw CryptoError(.badMessage, "compressed data packet is empty") }
            try inner.finish()
            guard reader.literalCount == 1 else { throw CryptoError(.badMessage, "the message holds no literal data") }
            literalCount += reader.literalCount
            guard literalCount == 1 else { throw CryptoError(.badMessage, "the message holds more than one literal data packet") }
            nested = nil
        default:
            break
        }
        current = .none
    }
}
