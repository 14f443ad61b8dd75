extension OpenPGPSecretKey {
    /// The primary key's fingerprint in a secret key file, read without its passphrase and without
    /// opening any secret material, so a plan can name the key without unlocking it.
    package static func fingerprint(contentsOf path: String) throws -> String {
        try KeyFile.load(path) { bytes in
            let (data, _) = try KeyFile.binary(bytes)
            return try KeyBlock.parse(try PacketReader.packets(data, kind: .badKey, what: "key")).primary.fingerprintHex
        }
    }
}
