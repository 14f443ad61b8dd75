import COpenSSL

/// OpenPGP symmetric algorithm ids (RFC 4880 9.2) that Lifeboat reads and writes: AES only.
enum SymmetricAlgorithm: UInt8, Sendable {
    case aes128 = 7
    case aes192 = 8
    case aes256 = 9

    init(id: UInt8, kind: CryptoError.Kind) throws {
        guard let alg = SymmetricAlgorithm(rawValue: id) else {
            throw CryptoError(kind, "symmetric algorithm \(id) is not supported (only aes)")
        }
        self = alg
    }

    var keyLength: Int {
        switch self {
        case .aes128: 16
        case .aes192: 24
        case .aes256: 32
        }
    }

    static let blockSize = 16

    var cfb: OpaquePointer? {
        switch self {
        case .aes128: EVP_aes_128_cfb128()
        case .aes192: EVP_aes_192_cfb128()
        case .aes256: EVP_aes_256_cfb128()
        }
    }

    var ecb: OpaquePointer? {
        switch self {
        case .aes128: EVP_aes_128_ecb()
        case .aes192: EVP_aes_192_ecb()
        case .aes256: EVP_aes_256_ecb()
        }
    }
}

/// AES in CFB-128 mode as a stream: OpenPGP's SEIPD and secret-key protection both use it without resync.
final class CFBCipher {
    private let context: OpaquePointer

    init(_ algorithm: SymmetricAlgorithm, key: [UInt8], iv: [UInt8], encrypt: Bool) throws {
        guard key.count == algorithm.keyLength, iv.count == SymmetricAlgorithm.blockSize else {
            throw CryptoError(.library, "aes key or iv has the wrong length")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw LibCrypto.failure("cipher context") }
        context = ctx
        guard EVP_CipherInit_ex(ctx, algorithm.cfb, nil, key, iv, encrypt ? 1 : 0) == 1 else {
            throw LibCrypto.failure("aes-cfb setup")
        }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// Transforms `count` bytes from `input` to `output` (which may be the same memory).
    func update(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, count: Int) throws {
        var done = 0
        while done < count {
            let n = min(count - done, 1 << 30)
            var outLength: Int32 = 0
            guard
                EVP_CipherUpdate(
                    context, output.advanced(by: done).assumingMemoryBound(to: UInt8.self), &outLength,
                    input.advanced(by: done).assumingMemoryBound(to: UInt8.self), Int32(n)) == 1, Int(outLength) == n
            else { throw LibCrypto.failure("aes-cfb") }
            done += n
        }
    }

    func update(_ bytes: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bytes.count)
        guard !bytes.isEmpty else { return out }
        try bytes.withUnsafeBytes { inp in
            try out.withUnsafeMutableBytes { outp in
                // Both buffers are non-empty here, so their base addresses exist.
                guard let i = inp.baseAddress, let o = outp.baseAddress else { return }
                try update(i, o, count: bytes.count)
            }
        }
        return out
    }
}

/// Single-block AES (ECB, no padding): the primitive under the RFC 3394 key wrap.
final class AESBlock {
    private let context: OpaquePointer

    init(_ algorithm: SymmetricAlgorithm, key: [UInt8], encrypt: Bool) throws {
        guard key.count == algorithm.keyLength else { throw CryptoError(.library, "aes key has the wrong length") }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw LibCrypto.failure("cipher context") }
        context = ctx
        guard EVP_CipherInit_ex(ctx, algorithm.ecb, nil, key, nil, encrypt ? 1 : 0) == 1 else {
            throw LibCrypto.failure("aes setup")
        }
        EVP_CIPHER_CTX_set_padding(ctx, 0)
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    func process(_ block: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 16 + 16)
        var len: Int32 = 0
        guard block.count == 16, EVP_CipherUpdate(context, &out, &len, block, 16) == 1, len == 16 else {
            throw LibCrypto.failure("aes")
        }
        return Array(out.prefix(16))
    }
}
