import COpenSSL

/// Ed25519 signatures as OpenPGP's legacy EdDSA uses them: the signed message is the hash digest.
enum Ed25519 {
    static func verify(publicKey: [UInt8], digest: [UInt8], r: [UInt8], s: [UInt8]) throws -> Bool {
        guard let r32 = Bytes.leftPad(r, to: 32), let s32 = Bytes.leftPad(s, to: 32) else { return false }
        let key = try PKey.rawPublic(type: lifeboat_pkey_ed25519(), publicKey)
        guard let md = EVP_MD_CTX_new() else { throw LibCrypto.failure("digest context") }
        defer { EVP_MD_CTX_free(md) }
        guard EVP_DigestVerifyInit(md, nil, nil, nil, key.pointer) == 1 else {
            throw LibCrypto.failure("ed25519 verify setup")
        }
        let signature = r32 + s32
        let ok = EVP_DigestVerify(md, signature, signature.count, digest, digest.count) == 1
        ERR_clear_error()
        return ok
    }

    /// Signs a digest; returns the R and S halves that OpenPGP stores as two MPIs.
    static func sign(seed: [UInt8], digest: [UInt8]) throws -> (r: [UInt8], s: [UInt8]) {
        let key = try PKey.rawPrivate(type: lifeboat_pkey_ed25519(), seed)
        guard let md = EVP_MD_CTX_new() else { throw LibCrypto.failure("digest context") }
        defer { EVP_MD_CTX_free(md) }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        guard EVP_DigestSignInit(md, nil, nil, nil, key.pointer) == 1,
            EVP_DigestSign(md, &signature, &length, digest, digest.count) == 1, length == 64
        else { throw LibCrypto.failure("ed25519 sign") }
        return (Array(signature[0..<32]), Array(signature[32..<64]))
    }
}

/// X25519 (RFC 7748) in native byte order, for cv25519 ECDH.
enum X25519 {
    /// The shared secret of a native secret scalar and a native public value.
    static func sharedSecret(secret: [UInt8], peer: [UInt8]) throws -> [UInt8] {
        let mine = try PKey.rawPrivate(type: lifeboat_pkey_x25519(), secret)
        let theirs = try PKey.rawPublic(type: lifeboat_pkey_x25519(), peer)
        return try mine.withContext { ctx in
            var out = [UInt8](repeating: 0, count: 32)
            var length = 32
            guard EVP_PKEY_derive_init(ctx) == 1, EVP_PKEY_derive_set_peer(ctx, theirs.pointer) == 1,
                EVP_PKEY_derive(ctx, &out, &length) == 1, length == 32
            else {
                ERR_clear_error()
                throw CryptoError(.badMessage, "x25519 key agreement failed (invalid point)")
            }
            return out
        }
    }

    static func publicKey(secret: [UInt8]) throws -> [UInt8] {
        try PKey.rawPrivate(type: lifeboat_pkey_x25519(), secret).rawPublicKey()
    }

    /// A fresh clamped secret, as GnuPG stores them.
    static func generateSecret() throws -> [UInt8] {
        var s = try LibCrypto.randomBytes(32)
        s[0] &= 248
        s[31] &= 127
        s[31] |= 64
        return s
    }
}
