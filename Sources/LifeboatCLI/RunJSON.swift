import LifeboatAgent
import LifeboatCatalog

/// `run --json`: one object, `outcome` (ok | failed | idle: nothing was due), `failed`, `backups`
/// (each as `backup --json` prints it) and `prune` (each touched policy as `prune --json` prints it).
package struct RunJSON: Encodable {
    let outcome: String
    let failed: Bool
    let backups: [BackupOutcomeJSON]
    let prune: [PruneJSON]

    package init(_ report: RunUseCase.Report, record: (BackupUseCase.Outcome) -> BackupRecord?) {
        outcome = report.outcome
        failed = report.failed
        backups = report.backups.map { BackupOutcomeJSON($0, record: record($0)) }
        prune = report.prunes.map { PruneJSON($0, dryRun: false) }
    }
}
