import Foundation
import LifeboatCore

/// Turns one policy file into a validated `Policy`, or one line naming the file, line and fault.
enum PolicyParser {
    static let dataClasses = ["configuration", "persistent"]

    static func parse(file: String) throws -> Policy {
        let doc = try YAMLValue.load(file: file, displayName: file)
        let top = try doc.fields("policy", top: true)
        let base = (file as NSString).deletingLastPathComponent
        let resolve = { (p: String) in PathResolver.resolve(p, against: base) }

        let nameValue = try top.required("name")
        let name = try nameValue.nonEmptyString("name")
        guard name.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw nameValue.error("name '\(name)' must use only a-z, 0-9 and -")
        }
        let kindValue = try top.required("kind")
        let kindName = try kindValue.oneOf("kind", Policy.Kind.allCases.map(\.rawValue))
        let kind = Policy.Kind(rawValue: kindName) ?? .files

        let data: String
        if let d = top.optional("data") {
            let s = try d.string("data")
            if s == "fixed" || s == "transient" {
                throw d.error(
                    "data: \(s) data is not backed up; remove this policy or mark it configuration or persistent")
            }
            data = try d.oneOf("data", dataClasses)
        } else {
            data = kind == .files ? "configuration" : "persistent"
        }

        let source = try SourceParser.parse(try top.required("source"), kind: kind, resolve: resolve)
        let objectives = try parseObjectives(try top.required("objectives"))
        let schedule = try top.optional("schedule")?.every("schedule")
        let drill = try top.optional("drill")?.every("drill") ?? Policy.defaultDrillInterval
        let encValue = try top.required("encryption")
        let enc = try encValue.fields("encryption")
        let recipientsValue = try enc.required("recipients")
        let recipients = try recipientsValue.stringList("encryption.recipients").map(resolve)
        guard !recipients.isEmpty else {
            throw recipientsValue.error("encryption.recipients must name at least one public key")
        }
        try enc.finish()

        var level = 6
        if let c = top.optional("compression") {
            let f = try c.fields("compression")
            if let l = f.optional("level") { level = try l.int("compression.level", in: 0...12) }
            try f.finish()
        }
        var chunkSize = ByteSize(bytes: 64 << 20)
        if let c = top.optional("chunk_size") {
            chunkSize = try c.size("chunk_size")
            guard chunkSize.bytes >= 1 << 20, chunkSize.bytes <= 5 << 30 else {
                throw c.error("chunk_size must be from 1MiB to 5GiB")
            }
        }
        let destValue = try top.required("destinations")
        let destinations = try DestinationParser.parseList(destValue, resolve: resolve)
        var retention = Policy.Retention()
        if let r = top.optional("retention") { retention = try parseRetention(r) }
        let hooks = try top.optional("hooks").map(HooksSpec.parse) ?? HooksSpec()
        let nice = try top.optional("nice").map { Int32(try $0.int("nice", in: -20...19)) }
        let ionice = try top.optional("ionice").map(parseIONice)
        let heartbeat = try top.optional("heartbeat_url").map(parseHeartbeatURL)
        try top.finish()

        return Policy(
            name: name, data: data, source: source, objectives: objectives, schedule: schedule, drill: drill,
            recipients: recipients, compressionLevel: level, chunkSize: chunkSize, destinations: destinations,
            retention: retention, file: file, hooks: hooks, nice: nice, ionice: ionice,
            heartbeatURL: heartbeat)
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
