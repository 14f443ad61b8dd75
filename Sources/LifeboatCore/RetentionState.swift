/// Where a backup stands in lazy deletion: live, then deleted, soft-deleted and purged as grace runs out.
/// The raw values are the catalog's `retention` column and the words `list` and `undelete` print.
package enum RetentionState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case live, deleted
    case softDeleted = "soft-deleted"
    case purged

    package var description: String { rawValue }
}
