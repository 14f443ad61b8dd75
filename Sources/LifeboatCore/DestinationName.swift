/// The name a destination has in the agent config, as the catalog, `list` and the shipping code carry it,
/// so it cannot be mixed up with a policy, host or backup id.
package struct DestinationName: RawRepresentable, Sendable, Hashable, Comparable, Codable,
    CustomStringConvertible, ExpressibleByStringLiteral
{
    package let rawValue: String

    package init(rawValue: String) { self.rawValue = rawValue }
    package init(_ name: String) { rawValue = name }
    package init(stringLiteral value: String) { rawValue = value }

    package static func < (a: DestinationName, b: DestinationName) -> Bool { a.rawValue < b.rawValue }
    package var description: String { rawValue }

    package init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
