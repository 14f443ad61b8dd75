import LifeboatAgent
import LifeboatCatalog
import LifeboatCore

/// One backup as `backup --json` and `run --json` print it: the fields of `list --json` for the
/// backup's catalog record, plus `message` (what the text line says after the status, or null). A
/// backup that never got an id (its policy was busy in another process) has `id: null`, its policy,
/// status and message.
package struct BackupOutcomeJSON: Encodable {
    let policy: String
    let id: BackupID?
    let status: BackupStatus
    let message: String?
    let record: BackupRecord?

    package init(policy: String, id: BackupID?, status: BackupStatus, message: String?, record: BackupRecord?) {
        self.policy = policy
        self.id = id
        self.status = status
        self.message = message
        self.record = record
    }

    package init(_ o: BackupUseCase.Outcome, record: BackupRecord?) {
        self.init(policy: o.policy, id: o.id, status: o.status, message: o.message, record: record)
    }

    enum CodingKeys: String, CodingKey { case policy, id, status, message }

    package func encode(to encoder: Encoder) throws {
        if let record {
            // The listing's fields first; the same keyed container then takes `message`.
            try BackupListingItem(record: record).encode(to: encoder)
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        if record == nil {
            try c.encode(policy, forKey: .policy)
            try c.encode(id, forKey: .id)
            try c.encode(status, forKey: .status)
        }
        try c.encode(message, forKey: .message)
    }
}
