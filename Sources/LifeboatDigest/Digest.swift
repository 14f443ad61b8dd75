import COpenSSL

/// SHA-256 and HMAC-SHA256 on libcrypto in one-shot form: S3 request signing and payload hashes use it.
package enum Digest {
    /// Incremental SHA-256, for hashing a file before it is streamed: the one the chunks are hashed with.
    package typealias SHA256 = SHA256Hasher

    package static func sha256(_ bytes: [UInt8]) -> [UInt8] { SHA256Hasher.digest(bytes) }

    package static func sha256(_ string: String) -> [UInt8] { sha256(Array(string.utf8)) }

    /// HMAC-SHA256 of `data` under `key`, through libcrypto's EVP_MAC.
    package static func hmacSHA256(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = 0
        let ok = key.withUnsafeBytes { k in
            data.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { o in
                    EVP_Q_mac(
                        nil, "HMAC", nil, "SHA256", nil, k.baseAddress, k.count,
                        d.baseAddress, d.count, o.baseAddress, 32, &length)
                }
            }
        }
        precondition(ok != nil && length == 32, "HMAC-SHA256 failed in libcrypto")
        return out
    }

    package static func hex(_ bytes: [UInt8]) -> String { bytes.hexString }

    /// The sha256 of no bytes, as S3 wants it for bodiless requests.
    package static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}
