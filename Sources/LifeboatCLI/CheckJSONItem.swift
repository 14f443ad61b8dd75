import LifeboatAgent
import LifeboatCore

/// One policy as `check --json` prints it: every field present, null where there is nothing to say.
struct CheckJSONItem: Encodable {
    let policy: String?
    let rpoSeconds: Int64?
    let ageSeconds: Int64?
    let status: String
    let newestBackup: BackupID?
    let message: String

    enum CodingKeys: String, CodingKey {
        case policy, status, message
        case rpoSeconds = "rpo_seconds"
        case ageSeconds = "age_seconds"
        case newestBackup = "newest_backup"
    }

    init(_ r: Compliance.Result) {
        policy = r.policy
        rpoSeconds = r.rpoSeconds
        ageSeconds = r.ageSeconds
        status = r.status.name
        newestBackup = r.newestBackup
        message = r.message
    }

    /// The verdict when nothing could be read: UNKNOWN, with no figures.
    init(unknownPolicy policy: String?, message: String) {
        self.policy = policy
        rpoSeconds = nil
        ageSeconds = nil
        status = Compliance.Status.unknown.name
        newestBackup = nil
        self.message = message
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(policy, forKey: .policy)
        try c.encode(rpoSeconds, forKey: .rpoSeconds)
        try c.encode(ageSeconds, forKey: .ageSeconds)
        try c.encode(status, forKey: .status)
        try c.encode(newestBackup, forKey: .newestBackup)
        try c.encode(message, forKey: .message)
    }
}
