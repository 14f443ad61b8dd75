import LifeboatDigest

/// String-to-key specifiers (RFC 4880 3.7): how a passphrase becomes the key that protects secret key material.
struct S2K: Sendable {
    enum Kind: UInt8, Sendable {
        case simple = 0
        case salted = 1
        case iterated = 3
        case gnuDummy = 101
    }

    let kind: Kind
    let hash: HashAlgorithm
    let salt: [UInt8]
    /// The coded count byte of an iterated S2K, as stored in the key.
    let codedCount: UInt8

    /// Bytes hashed by an iterated S2K: (16 + (c & 15)) << ((c >> 4) + 6).
    var count: Int { (16 + Int(codedCount & 15)) << (Int(codedCount >> 4) + 6) }

    static func parse(_ reader: inout ByteReader) throws -> S2K {
        let type = try reader.u8()
        guard let kind = Kind(rawValue: type) else {
            throw CryptoError(.unsupported, "s2k type \(type) is not supported")
        }
        let hashID = try reader.u8()
        switch kind {
        case .gnuDummy:
            // GnuPG extension: "GNU" and a mode; the secret is absent (stub) or on a smartcard.
            guard try reader.take(3) == Array("GNU".utf8) else { throw CryptoError(.badKey, "unknown s2k extension") }
            let mode = try reader.u8()
            if mode == 2 { _ = try reader.take(Int(try reader.u8())) }
            return S2K(kind: kind, hash: .sha1, salt: [], codedCount: 0)
        case .simple:
            return S2K(kind: kind, hash: try HashAlgorithm(id: hashID, kind: .badKey), salt: [], codedCount: 0)
        case .salted:
            return S2K(
                kind: kind, hash: try HashAlgorithm(id: hashID, kind: .badKey), salt: try reader.take(8), codedCount: 0)
        case .iterated:
            let hash = try HashAlgorithm(id: hashID, kind: .badKey)
            return S2K(kind: kind, hash: hash, salt: try reader.take(8), codedCount: try reader.u8())
        }
    }

    var encoded: [UInt8] {
        switch kind {
        case .simple: [kind.rawValue, hash.rawValue]
        case .salted: [kind.rawValue, hash.rawValue] + salt
        case .iterated: [kind.rawValue, hash.rawValue] + salt + [codedCount]
        case .gnuDummy: [kind.rawValue, 0] + Array("GNU".utf8) + [1]
        }
    }

    /// Derives `length` key bytes; extra hash contexts are preloaded with zero bytes, as RFC 4880 3.7.1.1 says.
    func deriveKey(passphrase: [UInt8], length: Int) -> [UInt8] {
        let data = salt + passphrase
        var out: [UInt8] = []
        var round = 0
        while out.count < length {
            let hasher = DigestHasher(hash.digestAlgorithm)
            hasher.update([UInt8](repeating: 0, count: round))
            if kind == .iterated {
                feedRepeated(data, total: max(count, data.count), into: hasher)
            } else {
                hasher.update(data)
            }
            out += hasher.finalize()
            round += 1
        }
        return Array(out.prefix(length))
    }

    /// Hashes `total` bytes of `data` repeated, in large blocks so a 65 MB count stays fast.
    private func feedRepeated(_ data: [UInt8], total: Int, into hasher: DigestHasher) {
        guard !data.isEmpty else { return }
        let repeats = max(1, 65536 / data.count)
        let block = [UInt8]((0..<repeats).flatMap { _ in data })
        var left = total
        block.withUnsafeBytes { raw in
            while left >= block.count {
                hasher.update(raw)
                left -= block.count
            }
            if left > 0 { hasher.update(UnsafeRawBufferPointer(rebasing: raw[0..<left])) }
        }
    }
}
