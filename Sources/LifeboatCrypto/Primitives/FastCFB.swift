import COpenSSL

/// CFB-128 decryption computed as AES-ECB over the previous ciphertext blocks, then XOR.
///
/// CFB decryption needs no chaining (each keystream block is E(previous ciphertext block)), so the
/// parallel ECB path of AES-NI makes it several times faster than libcrypto's block-at-a-time CFB.
final class FastCFBDecryptor {
    private let context: OpaquePointer
    /// The last complete ciphertext block (the IV at the start).
    private var previous: [UInt8]
    /// Keystream not yet used for the current, partial block.
    private var keystream: [UInt8] = []
    /// Ciphertext bytes of the current, partial block.
    private var partial: [UInt8] = []

    init(_ algorithm: SymmetricAlgorithm, key: [UInt8], iv: [UInt8]) throws {
        guard key.count == algorithm.keyLength, iv.count == 16 else {
            throw CryptoError(.library, "aes key or iv has the wrong length")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw LibCrypto.failure("cipher context") }
        context = ctx
        guard EVP_EncryptInit_ex(ctx, algorithm.ecb, nil, key, nil) == 1 else { throw LibCrypto.failure("aes setup") }
        EVP_CIPHER_CTX_set_padding(ctx, 0)
        previous = iv
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    private func ecb(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, count: Int) throws {
        var done = 0
        while done < count {
            let n = min(count - done, 1 << 30)
            var outLength: Int32 = 0
            guard
                EVP_EncryptUpdate(
                    context, (output + done).assumingMemoryBound(to: UInt8.self), &outLength,
                    (input + done).assumingMemoryBound(to: UInt8.self), Int32(n)) == 1,
                Int(outLength) == n
            else { throw LibCrypto.failure("aes") }
            done += n
        }
    }

    private func nextKeystreamBlock() throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        try previous.withUnsafeBytes { p in
            try out.withUnsafeMutableBytes { o in
                guard let pb = p.baseAddress, let ob = o.baseAddress else { return }
                try ecb(pb, ob, count: 16)
            }
        }
        return out
    }

    /// Decrypts `count` bytes from `input` into `output` (distinct memory).
    func decrypt(_ input: UnsafeRawPointer, _ output: UnsafeMutableRawPointer, count: Int) throws {
        var offset = 0
        // Finish a block begun in an earlier call.
        while !keystream.isEmpty, offset < count {
            let c = input.load(fromByteOffset: offset, as: UInt8.self)
            output.storeBytes(of: c ^ keystream.removeFirst(), toByteOffset: offset, as: UInt8.self)
            partial.append(c)
            offset += 1
            if partial.count == 16 {
                previous = partial
                partial.removeAll(keepingCapacity: true)
            }
        }
        let blocks = (count - offset) / 16
        if blocks > 0 {
            // Keystream: E(previous), E(C1) ... E(C[n-1]); then plaintext = ciphertext XOR keystream.
            let ks = try nextKeystreamBlock()
            ks.withUnsafeBytes { k in
                if let kb = k.baseAddress { (output + offset).copyMemory(from: kb, byteCount: 16) }
            }
            try ecb(input + offset, output + offset + 16, count: (blocks - 1) * 16)
            Self.xor(input + offset, into: output + offset, count: blocks * 16)
            previous = Array(UnsafeRawBufferPointer(start: input + offset + (blocks - 1) * 16, count: 16))
            offset += blocks * 16
        }
        if offset < count {
            keystream = try nextKeystreamBlock()
            partial.removeAll(keepingCapacity: true)
            while offset < count {
                let c = input.load(fromByteOffset: offset, as: UInt8.self)
                output.storeBytes(of: c ^ keystream.removeFirst(), toByteOffset: offset, as: UInt8.self)
                partial.append(c)
                offset += 1
            }
        }
    }

    /// output[i] ^= input[i], eight bytes at a time.
    static func xor(_ input: UnsafeRawPointer, into output: UnsafeMutableRawPointer, count: Int) {
        var i = 0
        while i + 32 <= count {
            for k in stride(from: 0, to: 32, by: 8) {
                let v =
                    input.loadUnaligned(fromByteOffset: i + k, as: UInt64.self)
                    ^ UnsafeRawPointer(output).loadUnaligned(fromByteOffset: i + k, as: UInt64.self)
                output.storeBytes(of: v, toByteOffset: i + k, as: UInt64.self)
            }
            i += 32
        }
        while i < count {
            let v =
                input.load(fromByteOffset: i, as: UInt8.self)
                ^ UnsafeRawPointer(output).load(fromByteOffset: i, as: UInt8.self)
            output.storeBytes(of: v, toByteOffset: i, as: UInt8.self)
            i += 1
        }
    }
}
