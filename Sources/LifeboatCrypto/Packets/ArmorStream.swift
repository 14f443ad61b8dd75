/// Decodes an armored message (`gpg --armor`) as it streams in, line by line, checking the CRC-24 at the end.
final class ArmorStream {
    private enum State { case preamble, headers, body, done }

    private let deliver: (UnsafeRawBufferPointer) throws -> Void
    private var state = State.preamble
    private var line: [UInt8] = []
    private var decoder = Base64Decoder()
    private var crc = CRC24.initial
    private var checksum: [UInt8]?
    private var decoded: [UInt8] = []
    private static let maxLine = 1 << 16

    init(deliver: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.deliver = deliver
    }

    func feed(_ bytes: UnsafeRawBufferPointer) throws {
        var start = 0
        for i in 0..<bytes.count where bytes[i] == 0x0A {
            line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
            start = i + 1
            try handleLine()
            line.removeAll(keepingCapacity: true)
        }
        line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
        guard line.count <= Self.maxLine else { throw CryptoError(.badMessage, "armor line is too long") }
    }

    private func handleLine() throws {
        while let last = line.last, last == 0x0D || last == 0x20 || last == 0x09 { line.removeLast() }
        switch state {
        case .preamble:
            if line.starts(with: Array("-----BEGIN PGP MESSAGE".utf8)) {
                state = .headers
            } else if line.starts(with: Array("-----BEGIN ".utf8)) {
                throw CryptoError(
                    .badMessage, "armor holds \(String(decoding: line, as: UTF8.self)), not a pgp message")
            }
        case .headers:
            if line.isEmpty {
                state = .body
            } else if !line.contains(0x3A) {
                state = .body  // no blank line after the header line: tolerate it
                try handleLine()
            }
        case .body:
            if line.starts(with: Array("-----END PGP MESSAGE".utf8)) {
                try flush()
                guard decoder.finish(into: &decoded) else { throw CryptoError(.badMessage, "invalid base64 in armor") }
                if let checksum, checksum != [UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)] {
                    throw CryptoError(.integrity, "armor checksum mismatch: the message is corrupted")
                }
                state = .done
            } else if line.first == 0x3D, line.count == 5 {
                var d = Base64Decoder()
                var out: [UInt8] = []
                guard d.decode(line.dropFirst()[...], into: &out), out.count == 3 else {
                    throw CryptoError(.badMessage, "malformed armor checksum")
                }
                checksum = out
            } else {
                guard decoder.decode(line[...], into: &decoded) else {
                    throw CryptoError(.badMessage, "invalid base64 in armor")
                }
                if decoded.count >= 1 << 16 { try flush() }
            }
        case .done:
            break  // text after the end line is ignored, as gpg does
        }
    }

    private func flush() throws {
        guard !decoded.isEmpty else { return }
        try decoded.withUnsafeBytes { raw in
            crc = CRC24.update(crc, raw)
            try deliver(raw)
        }
        decoded.removeAll(keepingCapacity: true)
    }

    /// Ends the stream; throws unless the end line was seen.
    func finish() throws {
        if state != .done, !line.isEmpty {
            try handleLine()
            line.removeAll()
        }
        guard state == .done else {
            throw CryptoError(
                .badMessage,
                state == .preamble ? "no armored pgp message found" : "armored message is truncated (no end line)")
        }
    }
}
