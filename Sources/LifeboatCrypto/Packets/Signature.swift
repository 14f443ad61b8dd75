/// Signature types (RFC 4880 5.2.1) that key validation looks at.
enum SignatureType {
    static let binaryDocument: UInt8 = 0x00
    static let positiveCertificationRange: ClosedRange<UInt8> = 0x10...0x13
    static let positiveCertification: UInt8 = 0x13
    static let subkeyBinding: UInt8 = 0x18
    static let directKey: UInt8 = 0x1F
    static let keyRevocation: UInt8 = 0x20
    static let subkeyRevocation: UInt8 = 0x28
    static let certificationRevocation: UInt8 = 0x30
}

/// Signature subpacket types (RFC 4880 5.2.3.1) used here.
enum SubpacketType {
    static let creationTime: UInt8 = 2
    static let signatureExpiration: UInt8 = 3
    static let keyExpiration: UInt8 = 9
    static let preferredSymmetric: UInt8 = 11
    static let issuer: UInt8 = 16
    static let preferredHash: UInt8 = 21
    static let preferredCompression: UInt8 = 22
    static let keyServerPreferences: UInt8 = 23
    static let keyFlags: UInt8 = 27
    static let features: UInt8 = 30
    static let issuerFingerprint: UInt8 = 33
}

/// A v4 signature packet: what key validation needs to check self-signatures and subkey bindings.
struct SignaturePacket: Sendable {
    let type: UInt8
    let publicKeyAlgorithm: UInt8
    let hashAlgorithm: UInt8
    /// Version through the end of the hashed subpackets: the part the signature covers.
    let hashedPart: [UInt8]
    let hashed: [(type: UInt8, data: [UInt8])]
    let unhashed: [(type: UInt8, data: [UInt8])]
    let left16: [UInt8]
    let values: [[UInt8]]

    static func parse(_ body: [UInt8], kind: CryptoError.Kind = .badKey) throws -> SignaturePacket? {
        var r = ByteReader(body, kind: kind, what: "signature packet")
        let version = try r.u8()
        guard version == 4 else { return nil }  // v3 signatures are ignored, as on modern keys
        let type = try r.u8()
        let pk = try r.u8()
        let hash = try r.u8()
        let hashedBytes = try r.take(try r.u16())
        let hashedPart = Array(body[0..<r.offset])
        let unhashedBytes = try r.take(try r.u16())
        let left16 = try r.take(2)
        var values: [[UInt8]] = []
        while !r.isAtEnd { values.append(try r.mpi()) }
        return SignaturePacket(
            type: type, publicKeyAlgorithm: pk, hashAlgorithm: hash, hashedPart: hashedPart,
            hashed: try subpackets(hashedBytes, kind: kind),
            unhashed: try subpackets(unhashedBytes, kind: kind),
            left16: left16, values: values)
    }

    static func subpackets(_ bytes: [UInt8], kind: CryptoError.Kind) throws -> [(type: UInt8, data: [UInt8])] {
        var r = ByteReader(bytes, kind: kind, what: "signature subpacket")
        var out: [(type: UInt8, data: [UInt8])] = []
        while !r.isAtEnd {
            let b0 = Int(try r.u8())
            let length: Int
            switch b0 {
            case 0..<192: length = b0
            case 192..<255: length = (b0 - 192) << 8 + Int(try r.u8()) + 192
            default: length = Int(try r.u32())
            }
            guard length >= 1 else { throw CryptoError(kind, "signature subpacket has length zero") }
            let type = try r.u8() & 0x7F
            out.append((type, try r.take(length - 1)))
        }
        return out
    }

    func hashedValue(_ type: UInt8) -> [UInt8]? { hashed.last(where: { $0.type == type })?.data }

    func hashedTime(_ type: UInt8) -> UInt32? {
        guard let d = hashedValue(type), d.count == 4 else { return nil }
        return d.reduce(0) { $0 << 8 | UInt32($1) }
    }

    var creationTime: UInt32 { hashedTime(SubpacketType.creationTime) ?? 0 }
    var keyFlags: UInt8? { hashedValue(SubpacketType.keyFlags)?.first }

    /// Whether this signature names `key` as issuer (by fingerprint or key id), or names none.
    func mayBeIssued(by key: KeyPacket) -> Bool {
        let all = hashed + unhashed
        if let fpr = all.first(where: { $0.type == SubpacketType.issuerFingerprint })?.data, fpr.count == 21 {
            return Array(fpr[1...]) == key.fingerprint
        }
        if let id = all.first(where: { $0.type == SubpacketType.issuer })?.data { return id == key.keyID }
        return true
    }

    /// The digest this signature covers, over `prefix` (the keys and user id it binds).
    func digest(prefix: [UInt8]) throws -> (HashAlgorithm, [UInt8]) {
        let alg = try HashAlgorithm(id: hashAlgorithm, kind: .badKey)
        let digest = HashAlgorithm.digest(alg, prefix, hashedPart, [0x04, 0xFF] + Bytes.u32(UInt32(hashedPart.count)))
        return (alg, digest)
    }

    /// Checks the signature against `signer` over `prefix`; false for a bad or unverifiable signature.
    func verify(signer: KeyPacket, prefix: [UInt8]) throws -> Bool {
        let rsaFamily: ClosedRange<UInt8> = 1...3
        let sameFamily =
            signer.algorithm == publicKeyAlgorithm
            || (rsaFamily.contains(signer.algorithm) && rsaFamily.contains(publicKeyAlgorithm))
        guard sameFamily, let computed = try? digest(prefix: prefix), computed.1.prefix(2).elementsEqual(left16) else {
            return false
        }
        let (alg, digest) = computed
        switch signer.material {
        case .rsa(let n, let e):
            guard values.count == 1 else { return false }
            return try RSA.verify(n: n, e: e, hash: alg, digest: digest, signature: values[0])
        case .ed25519(let pub):
            guard values.count == 2 else { return false }
            return try Ed25519.verify(publicKey: pub, digest: digest, r: values[0], s: values[1])
        default:
            return false
        }
    }

    /// Builds and signs a v4 signature packet body with the given subpackets.
    static func build(
        type: UInt8, signer: KeyPacket, signerSecret: SigningSecret, prefix: [UInt8],
        hashed: [(UInt8, [UInt8])], unhashed: [(UInt8, [UInt8])]
    ) throws -> [UInt8] {
        let hash = HashAlgorithm.sha512
        let hashedBytes = hashed.flatMap { encodeSubpacket($0.0, $0.1) }
        let unhashedBytes = unhashed.flatMap { encodeSubpacket($0.0, $0.1) }
        let hashedPart = [4, type, signer.algorithm, hash.rawValue] + Bytes.u16(hashedBytes.count) + hashedBytes
        let digest = HashAlgorithm.digest(hash, prefix, hashedPart, [0x04, 0xFF] + Bytes.u32(UInt32(hashedPart.count)))
        let values: [UInt8]
        switch signerSecret {
        case .ed25519(let seed):
            let (r, s) = try Ed25519.sign(seed: seed, digest: digest)
            values = Bytes.mpi(r) + Bytes.mpi(s)
        case .rsa(let key):
            values = Bytes.mpi(try RSA.sign(key: key, hash: hash, digest: digest))
        }
        return hashedPart + Bytes.u16(unhashedBytes.count) + unhashedBytes + Array(digest.prefix(2)) + values
    }

    static func encodeSubpacket(_ type: UInt8, _ data: [UInt8]) -> [UInt8] {
        let length = data.count + 1
        let header: [UInt8] =
            length < 192
            ? [UInt8(length)]
            : length < 8384
                ? [UInt8((length - 192) >> 8 + 192), UInt8((length - 192) & 0xFF)]
                : [0xFF] + Bytes.u32(UInt32(length))
        return header + [type] + data
    }
}

/// The secret half a signature is made with during key generation.
enum SigningSecret {
    case ed25519(seed: [UInt8])
    case rsa(PKey)
}
