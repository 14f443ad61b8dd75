import Foundation

/// The one way Lifeboat writes JSON objects to a destination (`manifest.json`, `latest.json`):
/// pretty-printed, keys sorted, slashes unescaped, ending in a newline, so every object reads the same
/// to a person and to a diff, and signatures cover predictable bytes.
package enum DestinationJSON {
    package static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value)) + [0x0a]
    }
}
