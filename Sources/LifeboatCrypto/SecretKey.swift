/// Placeholder.
public struct OpenPGPSecretKey: Sendable {
    public init(bytes: [UInt8], passphrase: String?) throws { throw CryptoError(.unsupported, "todo") }
}
