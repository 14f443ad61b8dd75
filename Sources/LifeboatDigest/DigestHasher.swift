import COpenSSL

/// An incremental digest over any `DigestAlgorithm`, shared by reference: the form OpenPGP's MDC,
/// signatures, S2K and KDF hash through, and the one `AsyncHasher` feeds from its own thread.
package final class DigestHasher {
    private let context: OpaquePointer
    package let algorithm: DigestAlgorithm

    package init(_ algorithm: DigestAlgorithm) {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        EVP_DigestInit_ex(ctx, algorithm.md, nil)
        context = ctx
        self.algorithm = algorithm
    }

    deinit { EVP_MD_CTX_free(context) }

    package func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    package func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    package func update(_ bytes: ArraySlice<UInt8>) { bytes.withUnsafeBytes { update($0) } }

    /// The digest; the hasher must not be updated afterwards.
    package func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Array(out.prefix(Int(length)))
    }
}
