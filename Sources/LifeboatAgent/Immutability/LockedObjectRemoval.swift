import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatS3
import LifeboatStorage

/// Removing a backup's objects where they may be locked or versioned: wait while any version is still
/// locked (S3 refuses to delete it, and a marker would only hide it), then delete every version, so
/// purged means gone rather than hidden.
struct LockedObjectRemoval {
    /// A purge that must wait for the lock on the backup's objects to run out.
    struct StillLocked: Error, CustomStringConvertible {
        let destination: String
        let until: Date
        var description: String { "locked until \(Timestamp.iso8601(until)) at \(destination)" }
    }

    /// Throws `StillLocked` when the backup under `prefix` is still locked at any locked destination of
    /// `destinations`; does nothing for the others.
    static func checkExpired(prefix: String, destinations: [DestinationSpec], now: Date) async throws {
        for spec in destinations {
            guard case .s3(let s3spec) = spec.location, s3spec.objectLock != nil,
                let s3 = try DestinationFactory.makeS3(spec)
            else { continue }
            let probes = [prefix + "data.000000", prefix + "manifest.json"]
            if let until = try await ObjectLockKeeper.lockedUntil(probes, at: s3, now: now) {
                throw StillLocked(destination: spec.name, until: until)
            }
        }
    }

    /// Every version of every key under `prefix` at a locked S3 destination, hidden ones too, the
    /// manifest's first.
    static func removeAllVersions(prefix: String, at s3: S3Destination) async throws {
        let keys = try await s3.recoverableKeys(prefix: prefix)
        let manifest = prefix + "manifest.json"
        let ordered = keys.filter { $0 == manifest } + keys.filter { $0 != manifest }.sorted()
        for key in ordered {
            for version in try await s3.versions(of: key) {
                try await s3.removeVersion(key, version: version.id)
            }
        }
    }
}
