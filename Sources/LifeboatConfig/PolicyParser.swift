import Foundation
import LifeboatCore

/// Turns one policy file into a validated `Policy`, or one line naming the file, line and fault.
enum PolicyParser {
    static let dataClasses = ["configuration", "persistent"]

    /// The policy in `file`, or the first fault found in it.
    static func parse(file: String) throws -> Policy {
        let (policy, faults) = inspect(file: file)
        if let first = faults.first { throw first }
        guard let policy else { throw LifeboatError.badInput(file, "could not be read") }
        return policy
    }

    /// The policy in `file` and every fault found in it: each top-level key, each destination and each
    /// unknown key is checked on its own, so one reading reports them all.
    static func inspect(file: String) -> (policy: Policy?, faults: [LifeboatError]) {
        let faults = FaultList()
        let policy = faults.attempt { try read(file: file, faults: faults) } ?? nil
        return (faults.isEmpty ? policy : nil, faults.faults)
    }

    private static func read(file: String, faults: FaultList) throws -> Policy? {
        let doc = try YAMLValue.load(file: file, displayName: file).collecting(into: faults)
        let top = try doc.fields("policy", top: true)
        let base = (file as NSString).deletingLastPathComponent
        let resolve = { (p: String) in PathResolver.resolve(p, against: base) }

        let name = faults.attempt { () throws -> String in
            let nameValue = try top.required("name")
            let name = try nameValue.nonEmptyString("name")
            guard name.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
                throw nameValue.error("name '\(name)' must use only a-z, 0-9 and -")
            }
            return name
        }
        let kind = faults.attempt { () throws -> Policy.Kind in
            let kindName = try top.required("kind").oneOf("kind", Policy.Kind.allCases.map(\.rawValue))
            return Policy.Kind(rawValue: kindName) ?? .files
        }
        let data = faults.attempt { () throws -> String in
            guard let d = top.optional("data") else { return kind == .files ? "configuration" : "persistent" }
            let s = try d.string("data")
            if s == "fixed" || s == "transient" {
                throw d.error(
                    "data: \(s) data is not backed up; remove this policy or mark it configuration or persistent")
            }
            return try d.oneOf("data", dataClasses)
        }
        // The source's keys depend on the kind: without a kind they cannot be checked.
        let sourceValue = faults.attempt { try top.required("source") }
        let source = kind.flatMap { kind in
            sourceValue.flatMap { v in faults.attempt { try SourceParser.parse(v, kind: kind, resolve: resolve) } }
        }
        let objectives = faults.attempt { try parseObjectives(try top.required("objectives")) }
        let schedule = faults.attempt { try top.optional("schedule")?.every("schedule") }
        let drill = faults.attempt { try top.optional("drill")?.every("drill") ?? Policy.defaultDrillInterval }
        let encryption = faults.attempt { try parseRecipients(try top.required("encryption"), resolve: resolve) }
        let compression = faults.attempt { () throws -> (CompressionAlgorithm, Int) in
            guard let c = top.optional("compression") else { return (.gzip, CompressionAlgorithm.gzip.defaultLevel) }
            let f = try c.fields("compression")
            let name = try f.optional("algorithm")?.oneOf(
                "compression.algorithm", CompressionAlgorithm.allCases.map(\.rawValue))
            let algorithm = name.flatMap(CompressionAlgorithm.init(rawValue:)) ?? .gzip
            let level =
                try f.optional("level")?.int("compression.level", in: algorithm.levels) ?? algorithm.defaultLevel
            try f.finish()
            return (algorithm, level)
        }
        let chunkSize = faults.attempt { () throws -> ByteSize in
            guard let c = top.optional("chunk_size") else { return ByteSize(bytes: 64 << 20) }
            let size = try c.size("chunk_size")
            guard size.bytes >= 1 << 20, size.bytes <= 5 << 30 else {
                throw c.error("chunk_size must be from 1MiB to 5GiB")
            }
            return size
        }
        let destinations = faults.attempt {
            try DestinationParser.parseList(try top.required("destinations"), resolve: resolve)
        }
        let retention = faults.attempt { try top.optional("retention").map(parseRetention) ?? Policy.Retention() }
        let hooks = faults.attempt { try top.optional("hooks").map(HooksSpec.parse) ?? HooksSpec() }
        let nice = faults.attempt { try top.optional("nice").map { Int32(try $0.int("nice", in: -20...19)) } }
        let ionice = faults.attempt { try top.optional("ionice").map(parseIONice) }
        let heartbeat = faults.attempt { try top.optional("heartbeat_url").map(parseHeartbeatURL) }
        let binlog = faults.attempt { try top.optional("binlog").map { try BinlogSpec.parse($0, kind: kind) } }
        let minFailureDomains = faults.attempt { () throws -> Int? in
            guard let m = top.optional("min_failure_domains") else { return nil }
            let n = try m.int("min_failure_domains", in: 1...100)
            if let destinations, n > destinations.count {
                throw m.error("min_failure_domains is \(n) but the policy names \(destinations.count) destination(s)")
            }
            return n
        }
        faults.attempt { try top.finish() }

        guard let name, let source, let objectives, let schedule, let drill, let encryption, let data, let compression,
            let chunkSize, let destinations, let retention, let hooks, let minFailureDomains, let nice, let ionice,
            let heartbeat, let binlog
        else { return nil }
        var policy = Policy(
            name: name, data: data, source: source, objectives: objectives, schedule: schedule, drill: drill,
            recipients: encryption.paths, compressionLevel: compression.1, chunkSize: chunkSize,
            destinations: destinations, retention: retention, file: file, hooks: hooks)
        policy.recipientLines = encryption.lines
        policy.compression = compression.0
        policy.minFailureDomains = minFailureDomains
        (policy.nice, policy.ionice, policy.heartbeatURL) = (nice, ionice, heartbeat)
        policy.binlog = binlog
        return policy
    }

    /// `encryption.recipients`: the key files, resolved, with the line naming each.
    static func parseRecipients(_ v: YAMLValue, resolve: (String) -> String) throws -> (
        paths: [String], lines: [String: Int]
    ) {
        let enc = try v.fields("encryption")
        let recipientsValue = try enc.required("recipients")
        var paths: [String] = []
        var lines: [String: Int] = [:]
        for item in try recipientsValue.list("encryption.recipients") {
            let path = resolve(try item.string("encryption.recipients"))
            paths.append(path)
            lines[path] = lines[path] ?? item.line
        }
        guard !paths.isEmpty else {
            throw recipientsValue.error("encryption.recipients must name at least one public key")
        }
        try enc.finish()
        return (paths, lines)
    }

    static func parseObjectives(_ v: YAMLValue) throws -> Policy.Objectives {
        let f = try v.fields("objectives")
        let rpo = try f.required("rpo").duration("objectives.rpo")
        let rto = try f.optional("rto")?.duration("objectives.rto")
        var priority = Policy.Priority.medium
        if let p = f.optional("priority") {
            priority =
                Policy.Priority(rawValue: try p.oneOf("objectives.priority", ["high", "medium", "low"])) ?? .medium
        }
        let scenarioValue = f.optional("scenario")
        let scenario = try scenarioValue?.string("objectives.scenario")
        if let scenarioValue, let scenario, scenario.utf8.count > Manifest.Objectives.maximumScenarioBytes {
            throw scenarioValue.error(
                "objectives.scenario is \(scenario.utf8.count) bytes long; at most \(Manifest.Objectives.maximumScenarioBytes) are allowed"
            )
        }
        try f.finish()
        return Policy.Objectives(rpo: rpo, rto: rto, priority: priority, scenario: scenario)
    }

    /// `heartbeat_url`: an http or https URL.
    static func parseHeartbeatURL(_ v: YAMLValue) throws -> String {
        let s = try v.nonEmptyString("heartbeat_url")
        guard let url = URL(string: s), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw v.error("heartbeat_url must be an http or https URL")
        }
        return s
    }

    /// `ionice: idle | best-effort:N | realtime:N`.
    static func parseIONice(_ v: YAMLValue) throws -> IOPriority {
        let text = try v.string("ionice")
        guard let p = IOPriority(parsing: text) else {
            throw v.error("ionice: '\(text)' is not idle, best-effort:N or realtime:N (N from 0 to 7)")
        }
        return p
    }

    static func parseRetention(_ v: YAMLValue) throws -> Policy.Retention {
        let f = try v.fields("retention")
        var r = Policy.Retention()
        if let x = f.optional("keep_last") { r.keepLast = try x.int("retention.keep_last", in: 1...100_000) }
        if let x = f.optional("keep_daily") { r.keepDaily = try x.int("retention.keep_daily", in: 0...100_000) }
        if let x = f.optional("keep_weekly") { r.keepWeekly = try x.int("retention.keep_weekly", in: 0...100_000) }
        if let x = f.optional("keep_monthly") { r.keepMonthly = try x.int("retention.keep_monthly", in: 0...100_000) }
        if let x = f.optional("deleted_grace") { r.deletedGrace = try x.duration("retention.deleted_grace") }
        if let x = f.optional("soft_deleted_grace") {
            r.softDeletedGrace = try x.duration("retention.soft_deleted_grace")
        }
        try f.finish()
        return r
    }
}

/// Resolves a path written in a config or policy file against that file's directory.
enum PathResolver {
    /// Returns an absolute path without `.` or `..` components or doubled slashes, so archive names
    /// stay clean. `..` above the root stays at the root, as the kernel resolves it.
    static func resolve(_ path: String, against base: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            let dir = base.isEmpty ? "." : base
            full = dir + "/" + path
            if !dir.hasPrefix("/") { full = FileManager.default.currentDirectoryPath + "/" + full }
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
