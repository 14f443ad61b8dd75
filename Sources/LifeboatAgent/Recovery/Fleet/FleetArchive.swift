import Foundation
import LifeboatCore

/// What the recovery host knows of a policy's continuous archive (PostgreSQL WAL or MariaDB binary logs)
/// from the destinations alone. A policy whose dumps still run while its archiving has stopped must not
/// look fine: its RPO is the age of the newest archived file, and a broken run is CRITICAL.
package struct FleetArchive: Sendable, Equatable {
    /// Which archive a policy keeps.
    package enum Kind: String, Sendable {
        case wal
        case binlog
    }

    /// The newest file one destination holds that verified.
    package struct Newest: Sendable, Equatable {
        package var name: String
        /// The signed time: the signature's creation (WAL) or the manifest's `rotated` (binary log).
        package var time: Date

        package init(name: String, time: Date) {
            self.name = name
            self.time = time
        }
    }

    /// What one destination said.
    package struct AtDestination: Sendable, Equatable {
        package var destination: String
        /// Nil when no file verified there (or none is there).
        package var newest: Newest?
        /// The first file missing from the run that must be unbroken, as found in this listing.
        package var firstMissing: String?
        /// Files not trusted, names skipped, listings that failed: one line each, naming the destination.
        package var notes: [String]

        package init(destination: String, newest: Newest?, firstMissing: String?, notes: [String]) {
            self.destination = destination
            self.newest = newest
            self.firstMissing = firstMissing
            self.notes = notes
        }
    }

    package var kind: Kind
    /// One per destination that holds the policy's folder, in the config's order.
    package var destinations: [AtDestination]

    package init(kind: Kind, destinations: [AtDestination]) {
        self.kind = kind
        self.destinations = destinations
    }

    /// The newest file every destination holds a verified copy of, or at least one that new: the oldest
    /// of the destinations' newest files. Nil when some destination has none.
    package var newestEverywhere: Newest? {
        let all = destinations.map(\.newest)
        guard !all.isEmpty, !all.contains(where: { $0 == nil }) else { return nil }
        return all.compactMap { $0 }.min { ($0.time, $0.name) < ($1.time, $1.name) }
    }

    /// The destinations whose newest verified file is the newest everywhere or newer.
    package var holding: [String] {
        guard let n = newestEverywhere else { return [] }
        return destinations.compactMap { d in (d.newest.map { $0.time >= n.time } ?? false) ? d.destination : nil }
    }

    /// The first gap found, with the destination it was found at.
    package var gap: (destination: String, missing: String)? {
        for d in destinations { if let m = d.firstMissing { return (d.destination, m) } }
        return nil
    }

    /// Every destination's notes, in order.
    package var notes: [String] { destinations.flatMap(\.notes) }

    /// The file kind as an operator reads it.
    package var noun: String { kind == .wal ? "WAL" : "binary log" }
}
