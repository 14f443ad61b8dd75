import Foundation

/// Reads a key file (armored or binary) into packets, and tells public from secret material.
enum KeyFile {
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw CryptoError(.io, "\(path): \(exists ? "cannot be read" : "no such file")")
        }
        return [UInt8](data)
    }

    /// Reads `path` and parses it with `parse`; a parse error gets the file name in front.
    static func load<T>(_ path: String, _ parse: ([UInt8]) throws -> T) throws -> T {
        let bytes = try read(path)
        do {
            return try parse(bytes)
        } catch let error as CryptoError {
            throw error.naming(path)
        }
    }

    /// The binary packets of a key, de-armored when needed, with whether the armor said "private".
    static func binary(_ bytes: [UInt8]) throws -> (data: [UInt8], armoredPrivate: Bool) {
        if Armor.looksArmored(bytes) {
            let (label, data) = try Armor.decode(bytes, kind: .badKey)
            return (data, label == Armor.Block.privateKey.rawValue)
        }
        guard let first = bytes.first else { throw CryptoError(.badKey, "is empty") }
        guard first & 0x80 != 0 else { throw CryptoError(.badKey, "is neither an armored nor a binary openpgp key") }
        return (bytes, false)
    }
}
