/// OpenPGP public-key algorithm ids (RFC 4880 9.1, RFC 6637) and curve OIDs Lifeboat knows.
enum PublicKeyAlgorithm {
    static let rsa: UInt8 = 1
    static let rsaEncryptOnly: UInt8 = 2
    static let rsaSignOnly: UInt8 = 3
    static let ecdh: UInt8 = 18
    static let ecdsa: UInt8 = 19
    static let eddsa: UInt8 = 22

    static let ed25519OID: [UInt8] = [0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01]
    static let curve25519OID: [UInt8] = [0x2B, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01]

    static func name(_ id: UInt8) -> String {
        switch id {
        case 1, 2, 3: "rsa"
        case 16: "elgamal"
        case 17: "dsa"
        case 18: "ecdh"
        case 19: "ecdsa"
        case 22: "eddsa"
        default: "algorithm \(id)"
        }
    }
}

/// The algorithm-specific public part of a key.
enum KeyMaterial: Sendable {
    case rsa(n: [UInt8], e: [UInt8])
    case ed25519(public: [UInt8])
    /// cv25519 ECDH: the native (RFC 7748) public value and the RFC 6637 KDF parameters.
    case x25519(public: [UInt8], kdfHash: UInt8, kdfCipher: UInt8)
    case unsupported(algorithm: UInt8, detail: String)
}

/// A v4 public key or subkey packet body, parsed, with its fingerprint and key id.
struct KeyPacket: Sendable {
    let created: UInt32
    let algorithm: UInt8
    let material: KeyMaterial
    /// The public part of the body, exactly as hashed for fingerprints and signatures.
    let publicBody: [UInt8]
    let fingerprint: [UInt8]

    var keyID: [UInt8] { Array(fingerprint.suffix(8)) }
    var fingerprintHex: String { Bytes.upperHex(fingerprint) }
    var keyIDHex: String { Bytes.upperHex(keyID) }

    /// The bytes a signature over this key hashes: 0x99, a two-byte length, the body.
    var hashPrefix: [UInt8] { [0x99] + Bytes.u16(publicBody.count) + publicBody }

    var canEncrypt: Bool {
        switch material {
        case .x25519: true
        case .rsa: algorithm != PublicKeyAlgorithm.rsaSignOnly
        default: false
        }
    }

    var rsaBits: Int? {
        guard case .rsa(let n, _) = material, let first = n.first else { return nil }
        return (n.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    /// Parses the public part at the start of `reader` (a key packet, public or secret).
    static func parse(_ reader: inout ByteReader) throws -> KeyPacket {
        let start = reader.offset
        let version = try reader.u8()
        guard version == 4 else {
            throw CryptoError(
                reader.kind == .badMessage ? .badMessage : .badKey,
                "key packet version \(version) is not supported (only v4)")
        }
        let created = try reader.u32()
        let algorithm = try reader.u8()
        let material: KeyMaterial
        switch algorithm {
        case PublicKeyAlgorithm.rsa, PublicKeyAlgorithm.rsaEncryptOnly, PublicKeyAlgorithm.rsaSignOnly:
            let n = try reader.mpi()
            let e = try reader.mpi()
            guard n.first.map({ $0 != 0 }) ?? false, !e.isEmpty else {
                throw CryptoError(reader.kind, "rsa key has an empty modulus")
            }
            material = .rsa(n: n, e: e)
        case PublicKeyAlgorithm.eddsa:
            let oid = try reader.take(Int(try reader.u8()))
            let point = try reader.mpi()
            if oid == PublicKeyAlgorithm.ed25519OID {
                guard point.count == 33, point[0] == 0x40 else {
                    throw CryptoError(reader.kind, "ed25519 public key is malformed")
                }
                material = .ed25519(public: Array(point[1...]))
            } else {
                material = .unsupported(algorithm: algorithm, detail: "eddsa curve other than ed25519")
            }
        case PublicKeyAlgorithm.ecdh:
            let oid = try reader.take(Int(try reader.u8()))
            let point = try reader.mpi()
            let kdfLength = Int(try reader.u8())
            let kdf = try reader.take(kdfLength)
            guard kdfLength == 3, kdf[0] == 1 else {
                throw CryptoError(reader.kind, "ecdh kdf parameters are malformed")
            }
            if oid == PublicKeyAlgorithm.curve25519OID {
                guard point.count == 33, point[0] == 0x40 else {
                    throw CryptoError(reader.kind, "cv25519 public key is malformed")
                }
                material = .x25519(public: Array(point[1...]), kdfHash: kdf[1], kdfCipher: kdf[2])
            } else {
                material = .unsupported(algorithm: algorithm, detail: "ecdh curve other than cv25519")
            }
        case 16, 17, 19:
            // Elgamal, DSA, ECDSA: skip the MPIs we cannot use so the rest of the key still parses.
            if algorithm == 19 {
                _ = try reader.take(Int(try reader.u8()))
                _ = try reader.mpi()
            }
            if algorithm == 16 { for _ in 0..<3 { _ = try reader.mpi() } }
            if algorithm == 17 { for _ in 0..<4 { _ = try reader.mpi() } }
            material = .unsupported(algorithm: algorithm, detail: PublicKeyAlgorithm.name(algorithm))
        default:
            throw CryptoError(
                reader.kind == .badMessage ? .badMessage : .badKey,
                "public key algorithm \(algorithm) is not supported")
        }
        let body = Array(reader.bytes[start..<reader.offset])
        let fingerprint = HashAlgorithm.digest(.sha1, [0x99] + Bytes.u16(body.count) + body)
        return KeyPacket(
            created: created, algorithm: algorithm, material: material, publicBody: body,
            fingerprint: fingerprint)
    }

    static func parse(body: [UInt8], kind: CryptoError.Kind) throws -> KeyPacket {
        var reader = ByteReader(body, kind: kind, what: "key packet")
        return try parse(&reader)
    }
}
