import COpenSSL
import Foundation
import LifeboatDigest

/// Thin, throwing wrappers over the libcrypto calls LifeboatCrypto needs, so the OpenPGP code above stays readable.
enum LibCrypto {
    /// The oldest libcrypto error on this thread, drained, for messages.
    static func lastError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "unknown libcrypto error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = buffer.withUnsafeBufferPointer { ptr in
            String(decoding: UnsafeRawBufferPointer(ptr).prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return text.lowercased()
    }

    static func failure(_ what: String) -> CryptoError {
        CryptoError(.library, "\(what) failed: \(lastError())")
    }

    static func randomBytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count == 0 || RAND_bytes(&out, Int32(count)) == 1 else { throw failure("random number generation") }
        return out
    }
}

/// OpenPGP hash algorithm ids (RFC 4880 9.4) mapped onto libcrypto digests.
enum HashAlgorithm: UInt8, Sendable {
    case sha1 = 2
    case sha256 = 8
    case sha384 = 9
    case sha512 = 10
    case sha224 = 11

    init(id: UInt8, kind: CryptoError.Kind) throws {
        guard let alg = HashAlgorithm(rawValue: id) else {
            throw CryptoError(kind == .badKey ? .badKey : .unsupported, "hash algorithm \(id) is not supported")
        }
        self = alg
    }

    /// The libcrypto digest behind this OpenPGP id.
    var digestAlgorithm: DigestAlgorithm {
        switch self {
        case .sha1: .sha1
        case .sha256: .sha256
        case .sha384: .sha384
        case .sha512: .sha512
        case .sha224: .sha224
        }
    }

    var md: OpaquePointer? { digestAlgorithm.md }

    var digestLength: Int { digestAlgorithm.length }

    static func digest(_ alg: HashAlgorithm, _ parts: [UInt8]...) -> [UInt8] {
        let h = DigestHasher(alg.digestAlgorithm)
        for p in parts { h.update(p) }
        return h.finalize()
    }
}

/// An owned EVP_PKEY: an RSA, Ed25519 or X25519 key built from OpenPGP key material.
final class PKey {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    static func rawPublic(type: Int32, _ bytes: [UInt8]) throws -> PKey {
        guard let p = EVP_PKEY_new_raw_public_key(type, nil, bytes, bytes.count) else {
            throw CryptoError(.badKey, "invalid curve25519 public key")
        }
        return PKey(p)
    }

    static func rawPrivate(type: Int32, _ bytes: [UInt8]) throws -> PKey {
        guard let p = EVP_PKEY_new_raw_private_key(type, nil, bytes, bytes.count) else {
            throw CryptoError(.badKey, "invalid curve25519 secret key")
        }
        return PKey(p)
    }

    func rawPublicKey() throws -> [UInt8] {
        try raw32(EVP_PKEY_get_raw_public_key, "reading a raw public key")
    }

    func rawPrivateKey() throws -> [UInt8] {
        try raw32(EVP_PKEY_get_raw_private_key, "reading a raw secret key")
    }

    /// The 32 raw bytes of a curve25519 key as `get` (the public or the private getter) gives them.
    private func raw32(
        _ get: (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?) -> Int32, _ what: String
    ) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len = 32
        guard get(pointer, &out, &len) == 1, len == 32 else { throw LibCrypto.failure(what) }
        return out
    }

    static func generate(type: Int32) throws -> PKey {
        guard let ctx = EVP_PKEY_CTX_new_id(type, nil) else { throw LibCrypto.failure("key generation") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(ctx) == 1, EVP_PKEY_generate(ctx, &key) == 1, let k = key else {
            throw LibCrypto.failure("key generation")
        }
        return PKey(k)
    }

    /// Builds a key from named BIGNUM parameters ("n", "e", "d", "rsa-factor1", ...).
    static func fromParameters(
        algorithm: String, selection: Int32, _ params: [(String, [UInt8])], kind: CryptoError.Kind
    ) throws -> PKey {
        guard let bld = OSSL_PARAM_BLD_new() else { throw LibCrypto.failure("parameter building") }
        defer { OSSL_PARAM_BLD_free(bld) }
        var bns: [OpaquePointer] = []
        defer { for bn in bns { BN_clear_free(bn) } }
        // The builder keeps the name pointers until it builds, so they must outlive this loop.
        var names: [UnsafeMutablePointer<CChar>] = []
        defer { for n in names { free(n) } }
        for (name, value) in params {
            guard let bn = BN_bin2bn(value, Int32(value.count), nil), let cName = strdup(name) else {
                throw LibCrypto.failure("bignum")
            }
            bns.append(bn)
            names.append(cName)
            guard OSSL_PARAM_BLD_push_BN(bld, cName, bn) == 1 else { throw LibCrypto.failure("parameter building") }
        }
        guard let ossl = OSSL_PARAM_BLD_to_param(bld) else { throw LibCrypto.failure("parameter building") }
        defer { OSSL_PARAM_free(ossl) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else { throw LibCrypto.failure("key import") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(ctx) == 1, EVP_PKEY_fromdata(ctx, &key, selection, ossl) == 1, let k = key else {
            throw CryptoError(kind, "invalid \(algorithm.lowercased()) key parameters: \(LibCrypto.lastError())")
        }
        return PKey(k)
    }

    /// A BIGNUM parameter of the key as big-endian bytes.
    func bigNumber(_ name: String) throws -> [UInt8] {
        var bn: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pointer, name, &bn) == 1, let b = bn else {
            throw LibCrypto.failure("reading key parameter \(name)")
        }
        defer { BN_clear_free(b) }
        let count = (Int(BN_num_bits(b)) + 7) / 8
        var out = [UInt8](repeating: 0, count: count)
        BN_bn2bin(b, &out)
        return out
    }

    /// A context on this key for encrypt/decrypt/sign/verify/derive.
    func withContext<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        guard let ctx = EVP_PKEY_CTX_new(pointer, nil) else { throw LibCrypto.failure("key context") }
        defer { EVP_PKEY_CTX_free(ctx) }
        return try body(ctx)
    }
}
