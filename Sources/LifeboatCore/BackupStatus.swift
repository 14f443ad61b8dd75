/// How far a backup got: written to the spool, then shipped to some or all of its destinations.
/// The raw values are the catalog's `status` column and the words `list`, `check` and `backup` print.
package enum BackupStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case running, pending, complete, degraded, failed

    package var description: String { rawValue }
}
