import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatS3
import LifeboatStorage

/// Keeps S3 Object Lock doing its job: a bucket without Object Lock is refused before anything is
/// written to it, and the locks of the backups retention keeps are lengthened before they run out, so
/// a kept backup never becomes deletable by whoever holds the host's credentials.
package struct ObjectLockKeeper {
    let ctx: AgentContext

    /// The destinations of `policy` that ask for Object Lock, with their lock.
    static func lockedDestinations(_ policy: Policy) -> [(spec: DestinationSpec, lock: ObjectLockSpec)] {
        policy.destinations.compactMap { spec in
            if case .s3(let s3) = spec.location, let lock = s3.objectLock { return (spec, lock) }
            return nil
        }
    }

    /// Asks each locked destination's bucket whether it has Object Lock (one request each). A bucket that
    /// answers "no" is bad input (exit 65), named with the policy file and the `object_lock` line; one that
    /// cannot be asked now is left for shipping to report.
    static func checkBuckets(_ policies: [Policy], logger: (String) -> Void) async throws {
        for policy in policies {
            for (spec, lock) in lockedDestinations(policy) {
                guard case .s3(let s3spec) = spec.location, let s3 = try DestinationFactory.makeS3(spec) else {
                    continue
                }
                let enabled: Bool
                do {
                    enabled = try await s3.objectLockEnabled()
                } catch {
                    logger("destination \(spec.name): cannot read the bucket's object lock settings now: \(error)")
                    continue
                }
                guard enabled else {
                    throw LifeboatError.badInput(
                        policy.file, line: lock.line,
                        "destination \(spec.name): bucket \(s3spec.bucket) does not have Object Lock enabled; nothing written",
                        hint:
                            "create the bucket with Object Lock (aws s3api create-bucket --object-lock-enabled-for-bucket) or remove object_lock"
                    )
                }
            }
        }
    }

    /// Lengthens the locks of every live backup of `policy` shipped to a locked destination whose lock
    /// has less than half its period left, to a full period from now. Returns one line per backup
    /// extended and one per failure (the caller decides whether a failure fails the run).
    func extend(_ policy: Policy) async -> (extended: [String], errors: [String]) {
        var extended: [String] = []
        var errors: [String] = []
        let locked = Self.lockedDestinations(policy)
        guard !locked.isEmpty else { return ([], []) }
        let backups: [BackupRecord]
        do {
            backups = try ctx.catalog.backups(policy: policy.name)
        } catch {
            return ([], ["\(policy.name): cannot read the catalog to extend locks: \(error)"])
        }
        for (spec, lock) in locked {
            guard let s3 = try? DestinationFactory.makeS3(spec) else { continue }
            let retrier = DestinationFactory.retrier(spec, logger: ctx.logger)
            for record in backups
            where record.copies.contains(where: {
                $0.destination == DestinationName(spec.name) && $0.status == .shipped
            }) {
                do {
                    if let until = try await extendIfDue(record, at: s3, lock: lock, retrier: retrier) {
                        extended.append(
                            "\(policy.name) \(record.id) lock extended at \(spec.name) until \(Timestamp.iso8601(until))"
                        )
                    }
                } catch {
                    errors.append("\(policy.name) \(record.id): lock at \(spec.name) not extended: \(error)")
                }
            }
        }
        return (extended, errors)
    }

    /// The keys of one backup at a destination: its chunks, the manifest's signature, the manifest.
    func keys(of record: BackupRecord) throws -> [String] {
        let prefix = ctx.objectPrefix(host: record.host, policy: record.policy, id: record.id)
        return try ctx.catalog.chunks(id: record.id).map { prefix + $0.name } + [
            prefix + "manifest.json.sig", prefix + "manifest.json",
        ]
    }

    /// The first chunk is written first and the manifest last, so between them they hold the earliest
    /// lock of the backup: when that has less than half the period left, every object gets a new one.
    func extendIfDue(_ record: BackupRecord, at s3: S3Destination, lock: ObjectLockSpec, retrier: Retrier) async throws
        -> Date?
    {
        let keys = try keys(of: record)
        let probes = [keys.first, keys.last].compactMap { $0 }
        var earliest: Date?
        for key in probes {
            guard let r = try await retrier.run("head \(key)", { try await s3.retention(key) }) else { continue }
            earliest = min(earliest ?? r.until, r.until)
        }
        guard let until = Self.extendedUntil(earliest: earliest, now: ctx.now(), days: lock.days) else { return nil }
        for key in keys {
            do {
                try await retrier.run("extend lock of \(key)") { try await s3.extendRetention(key, until: until) }
            } catch let e as StorageError where e.kind != .transient {
                // Hidden behind a delete marker (or never there): lock the newest real version, if any.
                let versions = try await retrier.run("list versions of \(key)") { try await s3.versions(of: key) }
                guard let real = versions.first(where: { !$0.isDeleteMarker }) else {
                    if e.isNotFound || versions.isEmpty { continue }  // a backup made before signing has no .sig
                    throw e
                }
                try await retrier.run("extend lock of \(key)") {
                    try await s3.extendRetention(key, until: until, version: real.id)
                }
            }
        }
        return until
    }

    /// The new lock date when a backup's earliest lock (nil: none could be read) has less than half the
    /// period left: a full period from now, in whole seconds; nil when it need not be touched yet.
    package static func extendedUntil(earliest: Date?, now: Date, days: Int) -> Date? {
        let period = TimeInterval(days) * 86_400
        if let earliest, earliest.timeIntervalSince(now) >= period / 2 { return nil }
        return Date(timeIntervalSince1970: (now.timeIntervalSince1970 + period).rounded(.up))
    }

    /// When the objects of a backup may be deleted at a locked destination: nil when they may be now.
    static func lockedUntil(_ keys: [String], at s3: S3Destination, now: Date) async throws -> Date? {
        var latest: Date?
        for key in [keys.first, keys.last].compactMap({ $0 }) {
            for version in try await s3.versions(of: key) where !version.isDeleteMarker {
                if let r = try await s3.retention(key, version: version.id), r.until > now {
                    latest = max(latest ?? r.until, r.until)
                }
            }
        }
        return latest
    }
}
