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

    enum CodingKeys: String, CodingKey {
        case host, policy, kind, status, id, started, finished, priority, scenario, signer, destinations, problems,
            drill, reasons
        case ageSeconds = "age_seconds"
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
    }
}
