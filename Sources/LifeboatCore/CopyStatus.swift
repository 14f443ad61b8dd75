/// The state of one destination's copy of a backup; the raw values are the catalog's `copy.status` column.
public enum CopyStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case pending, shipped, failed

    public var description: String { rawValue }
}
