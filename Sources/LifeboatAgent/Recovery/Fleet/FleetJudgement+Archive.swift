import LifeboatCore

extension FleetJudgement {
    /// What a policy's archive adds to its verdict, beside the RPO age the caller judges: CRITICAL for a
    /// gap since the newest base backup or dump (point-in-time recovery cannot cross it, as `check` says)
    /// and when some destination has no archived file that verifies; WARNING for a file not trusted, a
    /// name skipped or a listing that failed.
    static func archiveReasons(_ archive: FleetArchive, base: String) -> (Compliance.Status, [String]) {
        var status = Compliance.Status.ok
        var lines: [String] = []
        if let gap = archive.gap {
            status = .critical
            let unit = archive.kind == .wal ? "segment" : "log"
            let since = archive.kind == .wal ? "base backup" : "dump"
            lines.append(
                "\(archive.noun) gap at \(gap.destination): \(unit) \(gap.missing) is missing since \(since) \(base); point-in-time recovery cannot cross it"
            )
        }
        if archive.newestEverywhere == nil {
            status = .critical
            let none = archive.destinations.filter { $0.newest == nil }.map(\.destination)
            lines.append(
                "no verified archived \(archive.noun) at every destination (none at \(none.joined(separator: ", ")))")
        }
        if !archive.notes.isEmpty {
            status = max(status, .warning)
            lines += archive.notes
        }
        return (status, lines)
    }
}
