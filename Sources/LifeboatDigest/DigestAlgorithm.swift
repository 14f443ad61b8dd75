import COpenSSL

/// The digests libcrypto computes for Lifeboat: SHA-256 for chunks and S3, the others for OpenPGP
/// (the SHA-1 MDC, fingerprints, signatures), named here so no caller touches an EVP_MD itself.
package enum DigestAlgorithm: Sendable {
    case sha1, sha224, sha256, sha384, sha512

    /// libcrypto's EVP_MD, for calls that name a digest themselves (RSA signature padding).
    package var md: OpaquePointer? {
        switch self {
        case .sha1: EVP_sha1()
        case .sha224: EVP_sha224()
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }

    /// The digest's length in bytes.
    package var length: Int {
        switch self {
        case .sha1: 20
        case .sha224: 28
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }
}
