/// `keygen --json` and `signing-key --json`: one object, `fingerprint`, and the files written
/// (`public_key_file`, `secret_key_file`, `passphrase_protected`: keygen) or the armored public half
/// (`public_key`: signing-key). Fields a command does not fill are left out.
package struct KeyJSON: Encodable {
    let fingerprint: String
    let publicKeyFile: String?
    let secretKeyFile: String?
    let passphraseProtected: Bool?
    let publicKey: String?

    enum CodingKeys: String, CodingKey {
        case fingerprint
        case publicKeyFile = "public_key_file"
        case secretKeyFile = "secret_key_file"
        case passphraseProtected = "passphrase_protected"
        case publicKey = "public_key"
    }

    package static func keygen(fingerprint: String, publicFile: String, secretFile: String, protected: Bool)
        -> KeyJSON
    {
        KeyJSON(
            fingerprint: fingerprint, publicKeyFile: publicFile, secretKeyFile: secretFile,
            passphraseProtected: protected, publicKey: nil)
    }

    package static func signingKey(fingerprint: String, publicArmored: String) -> KeyJSON {
        KeyJSON(
            fingerprint: fingerprint, publicKeyFile: nil, secretKeyFile: nil, passphraseProtected: nil,
            publicKey: publicArmored)
    }
}
