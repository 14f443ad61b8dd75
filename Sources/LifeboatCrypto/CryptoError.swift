import LifeboatCore

/// The one error type of LifeboatCrypto: a kind callers can switch on and a one-line message an operator can act on.
///
/// Messages are lowercase without a trailing period; `isBadInput` tells the CLI to exit 65 (bad key,
/// passphrase or file) rather than 1 (a failed or corrupted operation).
package struct CryptoError: MessageError, Equatable {
    /// What went wrong, as an open set of values so new kinds do not break callers.
    package struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        package var description: String { name }

        /// A key file that cannot be read, parsed or trusted (bad armor, bad binding signature, expired).
        package static let badKey = Kind("badKey")
        /// Secret key material where only public keys belong.
        package static let secretKeyOnHost = Kind("secretKeyOnHost")
        /// The passphrase does not open the secret key, or one is missing.
        package static let wrongPassphrase = Kind("wrongPassphrase")
        /// A message encrypted to keys we do not have.
        package static let noMatchingKey = Kind("noMatchingKey")
        /// A message that is truncated, malformed or uses something we do not read.
        package static let badMessage = Kind("badMessage")
        /// A message whose integrity check (quick check or MDC) failed: tampered or corrupted.
        package static let integrity = Kind("integrity")
        /// A detached signature that is missing, malformed, bad, or made by a key that is not trusted.
        package static let badSignature = Kind("badSignature")
        /// An algorithm or feature this implementation does not support.
        package static let unsupported = Kind("unsupported")
        /// Reading or writing a file failed.
        package static let io = Kind("io")
        /// libcrypto refused an operation that should not fail.
        package static let library = Kind("library")
        /// The stream was used after it finished or failed.
        package static let misuse = Kind("misuse")
    }

    package let kind: Kind
    package let message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// True when the operator gave a bad input (key file, passphrase): the CLI exits 65 for these.
    package var isBadInput: Bool {
        kind == .badKey || kind == .secretKeyOnHost || kind == .wrongPassphrase || kind == .io
    }

    /// The same error with a file name in front, as "keys/ops.pub.asc: holds secret key material".
    func naming(_ path: String) -> CryptoError {
        CryptoError(kind, "\(path): \(message)")
    }
}
