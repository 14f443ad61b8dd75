import LifeboatAgent
import LifeboatCatalog
import LifeboatCore

/// One host and policy as `fleet --json` prints it: every field present, null where there is nothing
/// to say, so a script can rely on the shape.
struct FleetJSONItem: Encodable {
    /// The last drill, as `drill` recorded it.
    struct Drill: Encodable {
        let state: String
        let result: String?
        let backupID: String?
        let started: String?
        let finished: String?
        let seconds: Double?
        let rtoSeconds: Int64?
        let rtoMet: Bool?
        let error: String?

        enum CodingKeys: String, CodingKey {
            case state, result, started, finished, seconds, error
            case backupID = "backup_id"
            case rtoSeconds = "rto_seconds"
            case rtoMet = "rto_met"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(state, forKey: .state)
            try c.encode(result, forKey: .result)
            try c.encode(backupID, forKey: .backupID)
            try c.encode(started, forKey: .started)
            try c.encode(finished, forKey: .finished)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(rtoSeconds, forKey: .rtoSeconds)
            try c.encode(rtoMet, forKey: .rtoMet)
            try c.encode(error, forKey: .error)
        }
    }

    /// The policy's archived WAL or binary logs, as `fleet` verified them at the destinations.
    struct Archive: Encodable {
        let kind: String
        /// The newest file every destination holds a verified copy of (or a newer one).
        let newest: String?
        /// Its signed time: the WAL signature's creation, the binary log manifest's `rotated`.
        let newestTime: String?
        let ageSeconds: Int64?
        /// The destinations whose newest verified file is at least that new.
        let destinations: [String]
        /// The first file missing since the newest base backup or dump, when one is.
        let firstMissing: String?
        let firstMissingAt: String?
        let notes: [String]

        enum CodingKeys: String, CodingKey {
            case kind, newest, destinations, notes
            case newestTime = "newest_time"
            case ageSeconds = "age_seconds"
            case firstMissing = "first_missing"
            case firstMissingAt = "first_missing_at"
        }

        init(_ a: FleetArchive, age: Int64?) {
            let n = a.newestEverywhere
            kind = a.kind.rawValue
            newest = n?.name
            newestTime = n.map { Timestamp.iso8601($0.time) }
            ageSeconds = age
            destinations = a.holding
            firstMissing = a.gap?.missing
            firstMissingAt = a.gap?.destination
            notes = a.notes
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(kind, forKey: .kind)
            try c.encode(newest, forKey: .newest)
            try c.encode(newestTime, forKey: .newestTime)
            try c.encode(ageSeconds, forKey: .ageSeconds)
            try c.encode(destinations, forKey: .destinations)
            try c.encode(firstMissing, forKey: .firstMissing)
            try c.encode(firstMissingAt, forKey: .firstMissingAt)
            try c.encode(notes, forKey: .notes)
        }
    }

    let host: String
    let policy: String
    let kind: String?
    let status: String
    let id: String?
    let started: String?
    let finished: String?
    let ageSeconds: Int64?
    let rpoSeconds: Int64?
    let rtoSeconds: Int64?
    let drillIntervalSeconds: Int64?
    let priority: String?
    let scenario: String?
    let signer: String?
    let destinations: [String]
    let problems: [String]
    let drill: Drill
    let reasons: [String]
    let backupAgeSeconds: Int64?
    let archive: Archive?

    enum CodingKeys: String, CodingKey {
        case host, policy, kind, status, id, started, finished, priority, scenario, signer, destinations, problems,
            drill, reasons, archive
        case ageSeconds = "age_seconds"
        case backupAgeSeconds = "backup_age_seconds"
        case rpoSeconds = "rpo_seconds"
        case rtoSeconds = "rto_seconds"
        case drillIntervalSeconds = "drill_interval_seconds"
    }

    init(_ v: FleetJudgement.Verdict) {
        let e = v.entry
        let l = e.latest
        host = e.host
        policy = e.policy
        kind = l?.kind
        status = v.status.name
        id = l?.id
        started = l?.started
        finished = l?.finished
        ageSeconds = v.ageSeconds
        rpoSeconds = l?.objectives.rpo
        rtoSeconds = v.rtoSeconds
        drillIntervalSeconds = l?.objectives.drill
        priority = l?.objectives.priority
        scenario = l?.objectives.scenario
        signer = l?.signer
        destinations = e.holding
        problems = e.problems
        let d = e.lastDrill
        drill = Drill(
            state: v.drill.rawValue, result: d?.result.rawValue, backupID: d?.backupID,
            started: d.map { Timestamp.iso8601($0.started) }, finished: d.map { Timestamp.iso8601($0.finished) },
            seconds: d?.seconds, rtoSeconds: d == nil ? nil : v.rtoSeconds,
            rtoMet: d.map { $0.result == .passed && v.drill != .slow },
            error: d?.error)
        reasons = v.reasons
        backupAgeSeconds = v.backupAgeSeconds
        archive = e.archive.map { Archive($0, age: v.archiveAgeSeconds) }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(host, forKey: .host)
        try c.encode(policy, forKey: .policy)
        try c.encode(kind, forKey: .kind)
        try c.encode(status, forKey: .status)
        try c.encode(id, forKey: .id)
        try c.encode(started, forKey: .started)
        try c.encode(finished, forKey: .finished)
        try c.encode(ageSeconds, forKey: .ageSeconds)
        try c.encode(rpoSeconds, forKey: .rpoSeconds)
        try c.encode(rtoSeconds, forKey: .rtoSeconds)
        try c.encode(drillIntervalSeconds, forKey: .drillIntervalSeconds)
        try c.encode(priority, forKey: .priority)
        try c.encode(scenario, forKey: .scenario)
        try c.encode(signer, forKey: .signer)
        try c.encode(destinations, forKey: .destinations)
        try c.encode(problems, forKey: .problems)
        try c.encode(drill, forKey: .drill)
        try c.encode(reasons, forKey: .reasons)
        try c.encode(backupAgeSeconds, forKey: .backupAgeSeconds)
        try c.encode(archive, forKey: .archive)
    }
}
