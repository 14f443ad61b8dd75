import COpenSSL

/// SHA-256 and HMAC-SHA256 on libcrypto, for request signing and payload hashes.
public enum Digest {
    /// Incremental SHA-256, for hashing a file before it is streamed.
    public struct SHA256: ~Copyable {
        private let context: OpaquePointer

        public init() {
            guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
            EVP_DigestInit_ex(ctx, EVP_sha256(), nil)
            context = ctx
        }

        deinit { EVP_MD_CTX_free(context) }

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            EVP_DigestUpdate(context, base, bytes.count)
        }

        public consuming func finalize() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: 32)
            var length: UInt32 = 32
            EVP_DigestFinal_ex(context, &out, &length)
            return out
        }
    }

    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var h = SHA256()
        bytes.withUnsafeBytes { h.update($0) }
        return h.finalize()
    }

    public static func sha256(_ string: String) -> [UInt8] { sha256(Array(string.utf8)) }

    /// HMAC-SHA256 of `data` under `key`, through libcrypto's EVP_MAC.
    public static func hmacSHA256(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = 0
        let ok = key.withUnsafeBytes { k in
            data.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { o in
                    EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, k.baseAddress, k.count,
                              d.baseAddress, d.count, o.baseAddress, 32, &length)
                }
            }
        }
        precondition(ok != nil && length == 32, "HMAC-SHA256 failed in libcrypto")
        return out
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The sha256 of no bytes, as S3 wants it for bodiless requests.
    public static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
