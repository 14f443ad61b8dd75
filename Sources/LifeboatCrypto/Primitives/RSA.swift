import COpenSSL

/// RSA as OpenPGP uses it: PKCS#1 v1.5 signatures over a digest and PKCS#1 v1.5 session-key encryption.
enum RSA {
    static func publicKey(n: [UInt8], e: [UInt8]) throws -> PKey {
        try PKey.fromParameters(
            algorithm: "RSA", selection: lifeboat_pkey_public_key_selection(),
            [("n", n), ("e", e)], kind: .badKey)
    }

    /// The private key from OpenPGP's d, p, q; the CRT values OpenSSL wants are derived here.
    static func privateKey(n: [UInt8], e: [UInt8], d: [UInt8], p: [UInt8], q: [UInt8]) throws -> PKey {
        let (dp, dq, qinv) = try crtParameters(d: d, p: p, q: q)
        return try PKey.fromParameters(
            algorithm: "RSA", selection: lifeboat_pkey_keypair_selection(),
            [
                ("n", n), ("e", e), ("d", d), ("rsa-factor1", p), ("rsa-factor2", q),
                ("rsa-exponent1", dp), ("rsa-exponent2", dq), ("rsa-coefficient1", qinv),
            ], kind: .badKey)
    }

    private static func crtParameters(d: [UInt8], p: [UInt8], q: [UInt8]) throws -> ([UInt8], [UInt8], [UInt8]) {
        guard let ctx = BN_CTX_new() else { throw LibCrypto.failure("bignum context") }
        defer { BN_CTX_free(ctx) }
        let bd = BN_bin2bn(d, Int32(d.count), nil)
        let bp = BN_bin2bn(p, Int32(p.count), nil)
        let bq = BN_bin2bn(q, Int32(q.count), nil)
        let pm1 = BN_new()
        let qm1 = BN_new()
        let dp = BN_new()
        let dq = BN_new()
        defer { for bn in [bd, bp, bq, pm1, qm1, dp, dq] { BN_clear_free(bn) } }
        guard let bd, let bp, let bq, let pm1, let qm1, let dp, let dq,
            BN_copy(pm1, bp) != nil, BN_sub_word(pm1, 1) == 1, BN_copy(qm1, bq) != nil, BN_sub_word(qm1, 1) == 1,
            BN_div(nil, dp, bd, pm1, ctx) == 1, BN_div(nil, dq, bd, qm1, ctx) == 1,
            let qinv = BN_mod_inverse(nil, bq, bp, ctx)
        else {
            ERR_clear_error()
            throw CryptoError(.badKey, "rsa secret key parameters are inconsistent")
        }
        defer { BN_clear_free(qinv) }
        return (bytes(dp), bytes(dq), bytes(qinv))
    }

    static func bytes(_ bn: OpaquePointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (Int(BN_num_bits(bn)) + 7) / 8)
        BN_bn2bin(bn, &out)
        return out
    }

    static func generate(bits: Int) throws -> PKey {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw LibCrypto.failure("rsa key generation")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(ctx) == 1, EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1,
            EVP_PKEY_generate(ctx, &key) == 1, let k = key
        else { throw LibCrypto.failure("rsa key generation") }
        return PKey(k)
    }

    static func verify(n: [UInt8], e: [UInt8], hash: HashAlgorithm, digest: [UInt8], signature: [UInt8]) throws -> Bool
    {
        guard let sig = Bytes.leftPad(signature, to: n.count) else { return false }
        let key = try publicKey(n: n, e: e)
        return try key.withContext { ctx in
            guard EVP_PKEY_verify_init(ctx) == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, lifeboat_rsa_pkcs1_padding()) == 1,
                EVP_PKEY_CTX_set_signature_md(ctx, hash.md) == 1
            else { throw LibCrypto.failure("rsa verify setup") }
            let ok = EVP_PKEY_verify(ctx, sig, sig.count, digest, digest.count) == 1
            ERR_clear_error()
            return ok
        }
    }

    static func sign(key: PKey, hash: HashAlgorithm, digest: [UInt8]) throws -> [UInt8] {
        try key.withContext { ctx in
            guard EVP_PKEY_sign_init(ctx) == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, lifeboat_rsa_pkcs1_padding()) == 1,
                EVP_PKEY_CTX_set_signature_md(ctx, hash.md) == 1
            else { throw LibCrypto.failure("rsa sign setup") }
            return try sizedOutput("rsa sign") { EVP_PKEY_sign(ctx, $0, $1, digest, digest.count) }
        }
    }

    /// Encrypts a session-key block (algorithm, key, checksum) with EME-PKCS1-v1_5, as RFC 4880 5.1 says.
    static func encrypt(n: [UInt8], e: [UInt8], message: [UInt8]) throws -> [UInt8] {
        let key = try publicKey(n: n, e: e)
        return try key.withContext { ctx in
            guard EVP_PKEY_encrypt_init(ctx) == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, lifeboat_rsa_pkcs1_padding()) == 1
            else { throw LibCrypto.failure("rsa encrypt setup") }
            return try sizedOutput("rsa encrypt") { EVP_PKEY_encrypt(ctx, $0, $1, message, message.count) }
        }
    }

    /// Runs an EVP_PKEY operation the way OpenSSL sizes its output: once for the length, once to fill it.
    private static func sizedOutput(
        _ what: String, _ operation: (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>) -> Int32
    ) throws -> [UInt8] {
        var length = 0
        guard operation(nil, &length) == 1 else { throw LibCrypto.failure(what) }
        var out = [UInt8](repeating: 0, count: length)
        guard operation(&out, &length) == 1 else { throw LibCrypto.failure(what) }
        return Array(out.prefix(length))
    }

    /// Decrypts a PKESK's RSA value; nil when the padding does not check out.
    static func decrypt(key: PKey, modulusLength: Int, ciphertext: [UInt8]) throws -> [UInt8]? {
        guard let c = Bytes.leftPad(ciphertext, to: modulusLength) else { return nil }
        return try key.withContext { ctx in
            guard EVP_PKEY_decrypt_init(ctx) == 1, EVP_PKEY_CTX_set_rsa_padding(ctx, lifeboat_rsa_pkcs1_padding()) == 1
            else { throw LibCrypto.failure("rsa decrypt setup") }
            var length = modulusLength
            var out = [UInt8](repeating: 0, count: modulusLength)
            guard EVP_PKEY_decrypt(ctx, &out, &length, c, c.count) == 1 else {
                ERR_clear_error()
                return nil
            }
            return Array(out.prefix(length))
        }
    }
}

extension RSA {
    /// n, e, d, p, q, u as OpenPGP stores them: p < q and u = p^-1 mod q.
    static func openPGPComponents(_ key: PKey) throws -> (
        n: [UInt8], e: [UInt8], d: [UInt8], p: [UInt8], q: [UInt8], u: [UInt8]
    ) {
        let n = try key.bigNumber("n")
        let e = try key.bigNumber("e")
        let d = try key.bigNumber("d")
        var p = try key.bigNumber("rsa-factor1")
        var q = try key.bigNumber("rsa-factor2")
        if p.count > q.count || (p.count == q.count && p.lexicographicallyPrecedes(q) == false) { swap(&p, &q) }
        guard let ctx = BN_CTX_new() else { throw LibCrypto.failure("bignum context") }
        defer { BN_CTX_free(ctx) }
        let bp = BN_bin2bn(p, Int32(p.count), nil)
        let bq = BN_bin2bn(q, Int32(q.count), nil)
        defer {
            BN_clear_free(bp)
            BN_clear_free(bq)
        }
        guard let bp, let bq, let u = BN_mod_inverse(nil, bp, bq, ctx) else {
            throw LibCrypto.failure("rsa coefficient")
        }
        defer { BN_clear_free(u) }
        return (n, e, d, p, q, bytes(u))
    }
}
