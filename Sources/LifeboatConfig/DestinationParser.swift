import Foundation
import LifeboatCore

/// Reads a policy's `destinations:` list; names must be unique and each type has its required keys.
enum DestinationParser {
    static func parseList(_ v: YAMLValue, resolve: (String) -> String) throws -> [DestinationSpec] {
        let items = try v.list("destinations")
        guard !items.isEmpty else { throw v.error("destinations must name at least one destination") }
        var seen = Set<String>()
        var out: [DestinationSpec] = []
        var firstFault: Error?
        for item in items {
            do {
                let d = try parse(item, resolve: resolve)
                guard seen.insert(d.name).inserted else {
                    throw item.error("destination name '\(d.name)' appears twice")
                }
                out.append(d)
            } catch {
                // When the whole file is checked, every destination is: the first fault is thrown, the rest recorded.
                guard let faults = v.faults else { throw error }
                if firstFault == nil { firstFault = error } else { faults.record(error) }
            }
        }
        if let firstFault { throw firstFault }
        return out
    }

    static func parse(_ v: YAMLValue, resolve: (String) -> String) throws -> DestinationSpec {
        let f = try v.fields("destinations[]")
        let nameValue = try f.required("name")
        let name = try nameValue.nonEmptyString("destination name")
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw nameValue.error("destination name '\(name)' must use only letters, digits, - and _")
        }
        let type = try f.required("type").oneOf("type", ["local", "s3", "rclone"])
        let failureDomain = try f.optional("failure_domain")?.string("failure_domain")
        let shipping = try parseShipping(f)
        let location: DestinationSpec.Location
        switch type {
        case "s3": location = .s3(try parseS3(f, resolve: resolve))
        case "rclone": location = .rclone(try RcloneSpecParser.parse(f, resolve: resolve))
        default: location = .local(path: resolve(try f.required("path").nonEmptyString("path")))
        }
        var d = DestinationSpec(name: name, location: location)
        d.failureDomain = failureDomain
        if let x = f.optional("delete") { d.deletes = try x.bool("delete") }
        if let x = f.optional("rate_limit") {
            d.rateLimit = try x.rate(
                "rate_limit", least: DestinationSpec.rateLimitRange.lowerBound,
                most: DestinationSpec.rateLimitRange.upperBound
            ).bytes
        }
        (d.retry, d.breaker, d.concurrency) = (shipping.retry, shipping.breaker, shipping.concurrency)
        try f.finish()
        return d
    }

    /// The keys of `type: s3`: endpoint and bucket required, the rest with their defaults.
    static func parseS3(_ f: Fields, resolve: (String) -> String) throws -> S3DestinationSpec {
        let e = try f.required("endpoint")
        let endpoint = try e.nonEmptyString("endpoint")
        guard let url = URL(string: endpoint), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw e.error("endpoint '\(endpoint)' must be an http or https URL")
        }
        var d = S3DestinationSpec(endpoint: endpoint, bucket: try f.required("bucket").nonEmptyString("bucket"))
        if let x = f.optional("region") { d.region = try x.nonEmptyString("region") }
        if let x = f.optional("prefix") { d.prefix = try x.string("prefix") }
        if let c = f.optional("credentials") {
            let path = resolve(try c.nonEmptyString("credentials"))
            var st = stat()
            guard stat(path, &st) == 0 else { throw c.error("credentials file \(path) cannot be read") }
            guard st.st_mode & 0o044 == 0 else {
                throw c.error("credentials file \(path) is readable by group or others (chmod 600 it)")
            }
            d.credentials = path
        }
        if let x = f.optional("virtual_hosted") { d.virtualHosted = try x.bool("virtual_hosted") }
        if let x = f.optional("multipart_threshold") {
            d.multipartThreshold = try x.size(
                "multipart_threshold", least: ByteSize(bytes: 5 << 20), most: ByteSize(bytes: 5 << 30)
            ).bytes
        }
        if let x = f.optional("part_size") {
            d.partSize = try x.size("part_size", least: ByteSize(bytes: 5 << 20), most: ByteSize(bytes: 5 << 30)).bytes
        }
        if let x = f.optional("timeout") { d.idleTimeout = try seconds(x, "timeout", 0.001...86_400) }
        if let x = f.optional("connect_timeout") { d.connectTimeout = try seconds(x, "connect_timeout", 0.001...3600) }
        if let x = f.optional("object_lock") { d.objectLock = try parseObjectLock(x) }
        return d
    }

    /// `object_lock: {mode: governance|compliance, days: N}`, both required.
    static func parseObjectLock(_ v: YAMLValue) throws -> ObjectLockSpec {
        let g = try v.fields("object_lock")
        let mode = try g.required("mode").oneOf(
            "object_lock.mode", ObjectLockSpec.Mode.allCases.map(\.rawValue))
        let days = try g.required("days").int("object_lock.days", in: ObjectLockSpec.dayRange)
        try g.finish()
        return ObjectLockSpec(mode: ObjectLockSpec.Mode(rawValue: mode) ?? .governance, days: days, line: v.line)
    }

    /// `retry: {base, cap, attempts, max_elapsed}`, `breaker: {failures, cool_down}`, `concurrency`.
    static func parseShipping(_ f: Fields) throws -> (retry: RetrySpec, breaker: BreakerSpec, concurrency: Int) {
        var d = (retry: RetrySpec(), breaker: BreakerSpec(), concurrency: DestinationSpec.defaultConcurrency)
        if let x = f.optional("concurrency") { d.concurrency = try x.int("concurrency", in: 1...64) }
        if let r = f.optional("retry") {
            let g = try r.fields("retry")
            if let x = g.optional("base") { d.retry.base = try seconds(x, "retry.base", 0...3600) }
            if let x = g.optional("cap") { d.retry.cap = try seconds(x, "retry.cap", 0...86_400) }
            if let x = g.optional("attempts") { d.retry.attempts = try x.int("retry.attempts", in: 1...100) }
            if let x = g.optional("max_elapsed") {
                d.retry.maxElapsed = try seconds(x, "retry.max_elapsed", 0...604_800)
            }
            try g.finish()
        }
        if let b = f.optional("breaker") {
            let g = try b.fields("breaker")
            if let x = g.optional("failures") { d.breaker.failures = try x.int("breaker.failures", in: 1...1000) }
            if let x = g.optional("cool_down") {
                d.breaker.coolDown = try seconds(x, "breaker.cool_down", 0...2_592_000)
            }
            try g.finish()
        }
        return d
    }

    /// A short duration in seconds, fractions and milliseconds allowed: `250ms`, `0.5s`, `2s`, `1m`,
    /// within `range` (each key has its own: a timeout of a day, a backoff base of an hour...).
    static func seconds(_ v: YAMLValue, _ name: String, _ range: ClosedRange<Double>) throws -> Double {
        let s = try v.string(name).trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            guard let n = Double(s.dropLast(suffix.count)), n.isNaN == false else { break }
            let value = n * factor
            guard range.contains(value) else {
                throw v.error(
                    "\(name): '\(s)' is out of range (from \(Self.text(range.lowerBound)) to \(Self.text(range.upperBound)))"
                )
            }
            return value
        }
        throw v.error("\(name): '\(s)' is not a duration (like 250ms, 2s, 1m)")
    }

    /// A bound in the largest unit that writes it whole: `1ms`, `1h`, `86400s` is `24h`.
    static func text(_ seconds: Double) -> String {
        if seconds > 0 && seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        return DurationValue(seconds: Int64(seconds)).description
    }
}
