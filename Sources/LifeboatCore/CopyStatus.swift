/// The state of one destination's copy of a backup; the raw values are the catalog's `copy.status` column.
package enum CopyStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case pending, shipped, failed

    package var description: String { rawValue }
}
