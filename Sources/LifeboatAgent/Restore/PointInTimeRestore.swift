import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage

/// `restore POLICY --until TIME | --until-lsn LSN | --until-xid XID | --latest --to DIR` for a
/// PostgreSQL policy that archives WAL: lays out the base backup `BaseBackupChoice` picks into an
/// empty DIR and configures recovery (`RecoverySettings`), so that starting the server replays the
/// archived WAL to exactly the target and promotes.
package struct PointInTimeRestore {
    let ctx: AgentContext

    package init(_ ctx: AgentContext) { self.ctx = ctx }

    package func run(_ request: RestoreUseCase.Request, settings: RecoverySettings) async throws
        -> RestoreUseCase.Result
    {
        guard WALPolicySelection.archivesWAL(request.policy) else {
            throw LifeboatError(
                .usage,
                "policy \(request.policy.name) does not archive WAL: a point-in-time restore needs a postgres policy with source.method: physical"
            )
        }
        guard request.backupID == nil else {
            throw LifeboatError(
                .usage, "--backup and a recovery target exclude each other: the target picks the base backup")
        }
        let shipped = try ctx.catalog.backups(policy: request.policy.name)
            .filter { $0.retention == .live && $0.copies.contains(where: { $0.status == .shipped }) }
        let base = try BaseBackupChoice.pick(shipped, for: settings.target)
        if case .time(let moment) = settings.target {
            let oldest = shipped.compactMap { $0.wal != nil ? $0.finished : nil }.min() ?? base.finished
            try await refuseBeyondArchive(moment, policy: request.policy, rangeStart: oldest)
        }
        if let timeline = settings.timeline, let wal = base.wal {
            try await refuseUnknownTimeline(timeline, base: base.id, on: wal.timeline, policy: request.policy)
        }
        var r = request
        r.backupID = .id(base.id)
        let result = try await RestoreUseCase(ctx).run(r)
        try settings.write(into: result.written ?? request.target)
        return result
    }

    /// `--timeline N` must be the base backup's timeline or a later one whose history file is archived
    /// (PostgreSQL would otherwise stop at start-up with "recovery target timeline N does not exist").
    /// Refused before anything is written, naming the timelines there are. When no destination can be
    /// listed the restore goes on and PostgreSQL's own check stands.
    func refuseUnknownTimeline(_ timeline: UInt32, base: BackupID, on baseTimeline: UInt32, policy: Policy)
        async throws
    {
        if timeline == baseTimeline { return }
        guard timeline > baseTimeline else {
            throw LifeboatError(
                .usage,
                "timeline \(timeline) is older than the base backup's (\(base), timeline \(baseTimeline)): recovery cannot follow it from there"
            )
        }
        let archive = ArchivedWAL(ctx: ctx, policy: policy)
        var known = Set<UInt32>([baseTimeline])
        var listed = false
        for spec in policy.destinations {
            guard let destination = try? DestinationFactory.makeReading(spec, logger: ctx.logger),
                let files = try? await archive.files(at: destination)
            else { continue }
            listed = true
            known.formUnion(files.filter { $0.kind == .history }.map(\.timeline))
        }
        guard listed, !known.contains(timeline) else { return }
        let names = known.filter { $0 >= baseTimeline }.sorted().map { String($0) }.joined(separator: ", ")
        throw LifeboatError(
            .usage,
            "timeline \(timeline) does not exist in the archive of policy \(policy.name) (no \(WALArchiveLayout.timelineFolder(timeline)).history); from base backup \(base) the timelines are \(names)"
        )
    }

    /// A moment after the newest archived WAL segment was archived cannot be reached: PostgreSQL would
    /// replay everything and then stop short of the target. Refused before anything is written, naming
    /// the possible range. When no destination can say (down, nothing verifies) the restore goes on and
    /// PostgreSQL's own check at the end of recovery stands.
    func refuseBeyondArchive(_ moment: Date, policy: Policy, rangeStart: Date?) async throws {
        let archive = ArchivedWAL(ctx: ctx, policy: policy)
        var newest: (file: WALFileName, at: Destination)?
        for spec in policy.destinations {
            guard let destination = try? DestinationFactory.makeReading(spec, logger: ctx.logger),
                let files = try? await archive.files(at: destination),
                let top = files.filter({ $0.kind == .segment }).max()
            else { continue }
            if let known = newest, !(known.file < top) { continue }
            newest = (top, destination)
        }
        guard let newest, let archived = try? await archive.archivedAt(newest.file, at: newest.at),
            moment > archived
        else { return }
        let start = rangeStart.map(Timestamp.iso8601) ?? "the oldest base backup"
        throw LifeboatError(
            .usage,
            "the target \(Timestamp.iso8601(moment)) is after the newest archived WAL (\(newest.file.name), archived \(Timestamp.iso8601(archived))); the possible range is \(start) to \(Timestamp.iso8601(archived))"
        )
    }
}
