import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage
import Logging

/// Finds every host and policy at the recovery host's destinations and reads each policy's signed
/// `latest.json`, from the destinations alone: one folder listing at the root and one per host, then
/// the index and its signature per policy where its folder is, nothing per backup. So the fleet's
/// state is known even for a host that is gone.
package struct FleetScan: Sendable {
    /// Requests in flight at once, across destinations.
    package static let inFlight = 16

    /// What a scan found: the entries, names it skipped and listings that failed.
    package struct Report: Sendable {
        /// One per host and policy, sorted by host then policy.
        package var entries: [FleetEntry]
        /// Folder names not read because they are not valid host or policy names, and listings that
        /// failed, one line each (`nas: skipped host folder "..\u{7}": not a valid host name`).
        package var notes: [String]
        /// Requests made, per destination name, in the config's order.
        package var requests: [(destination: String, counts: CountingDestination.Counts)]
    }

    let destinations: [CountingDestination]
    let signers: [OpenPGPVerifyingKey]
    let catalog: RecoveryCatalog
    let now: @Sendable () -> Date
    let logger: Logger

    package init(_ ctx: RecoveryContext) {
        destinations = ctx.destinations.map(CountingDestination.init)
        signers = ctx.signers
        catalog = ctx.catalog
        now = ctx.now
        logger = ctx.logger
    }

    /// Every host and policy found, sorted by host then policy.
    /// (Drills and plans read no archive: only `fleet` judges it.)
    package func scan() async throws -> [FleetEntry] {
        try await report(archives: false).entries
    }

    /// The scan with what it skipped and the requests it made. Throws only when no destination could be
    /// listed at all (then nothing is known) or the drill catalog cannot be read. With `archives`, each
    /// postgres and mariadb policy's archived WAL or binary logs are read as well (`withArchives`).
    package func report(archives: Bool = true) async throws -> Report {
        let at = now()
        let drills = try catalog.lastDrills()
        let passed = try catalog.lastPassedDrills()
        var notes: [String] = []

        // The hosts at each destination: one listing each.
        let roots = await BoundedTasks.map(Array(destinations.indices), limit: Self.inFlight) { i in
            await Self.listing(destinations[i], prefix: "")
        }
        var hostsAt: [(destination: Int, host: String)] = []
        var listed = 0
        for (i, result) in roots.enumerated() {
            switch result {
            case .failure(let message):
                notes.append("\(destinations[i].name): cannot list hosts: \(message)")
            case .success(let names):
                listed += 1
                for name in names.sorted() {
                    if FleetName.isHost(name) {
                        hostsAt.append((i, name))
                    } else {
                        notes.append(
                            "\(destinations[i].name): skipped folder \(FleetName.quoted(name)): not a valid host name")
                    }
                }
            }
        }
        guard listed > 0 || destinations.isEmpty else {
            throw LifeboatError(.failed, "no destination could be listed: " + notes.joined(separator: "; "))
        }

        // The policies of each host at each destination: one listing per host.
        let policyListings = await BoundedTasks.map(hostsAt, limit: Self.inFlight) { pair in
            await Self.listing(destinations[pair.destination], prefix: pair.host + "/")
        }
        var found: [Pair: [Int]] = [:]
        for (pair, result) in zip(hostsAt, policyListings) {
            let d = destinations[pair.destination].name
            switch result {
            case .failure(let message):
                notes.append("\(d): cannot list the policies of \(pair.host): \(message)")
            case .success(let names):
                for name in names.sorted() {
                    if FleetName.isPolicy(name) {
                        found[Pair(host: pair.host, policy: name), default: []].append(pair.destination)
                    } else {
                        notes.append(
                            "\(d): skipped folder \(pair.host)/\(FleetName.quoted(name)): not a valid policy name")
                    }
                }
            }
        }

        // Each policy's index at every destination that has its folder.
        let work = found.keys.sorted().flatMap { pair in found[pair, default: []].map { (pair, $0) } }
        let fetched = await BoundedTasks.map(work, limit: Self.inFlight) { item in
            await fetch(host: item.0.host, policy: item.0.policy, at: item.1, now: at)
        }
        var byPair: [Pair: [(Int, Fetched)]] = [:]
        for (item, result) in zip(work, fetched) { byPair[item.0, default: []].append((item.1, result)) }
        var entries = found.keys.sorted().map { pair in
            var e = Self.entry(
                host: pair.host, policy: pair.policy, results: byPair[pair, default: []],
                names: destinations.map(\.name), drill: drills["\(pair.host)/\(pair.policy)"])
            e.lastPassedDrill = passed["\(pair.host)/\(pair.policy)"]
            return e
        }
        if archives { entries = await withArchives(entries, at: found, now: at) }
        for n in notes { logger.warning("fleet: \(n)") }
        let requests = destinations.map { ($0.name, $0.counts) }
        for r in requests {
            logger.info(
                "fleet: \(r.0): \(r.1.total) requests (\(r.1.listings) listings, \(r.1.reads) reads, \(r.1.sizes) size checks)"
            )
        }
        return Report(entries: entries, notes: notes, requests: requests)
    }

    /// One policy, read at every destination (a listing is not needed when the names are known).
    package func entry(host: String, policy: String) async throws -> FleetEntry {
        guard FleetName.isHost(host), FleetName.isPolicy(policy) else {
            throw LifeboatError(.usage, "\(FleetName.quoted(host + "/" + policy)) is not a valid HOST/POLICY")
        }
        let at = now()
        let drill = try catalog.lastDrill(host: host, policy: policy)
        let passed = try catalog.drills(host: host, policy: policy).first { $0.result == .passed }
        let results = await BoundedTasks.map(Array(destinations.indices), limit: Self.inFlight) { i in
            (i, await fetch(host: host, policy: policy, at: i, now: at))
        }
        // Named outright, a policy may live at only some destinations: absent elsewhere is no problem.
        let present = results.filter { if case .missing = $0.1 { return false } else { return true } }
        var e = Self.entry(
            host: host, policy: policy, results: present, names: destinations.map(\.name), drill: drill)
        e.lastPassedDrill = passed
        return e
    }

    struct Pair: Hashable, Comparable, Sendable {
        var host: String
        var policy: String
        static func < (a: Pair, b: Pair) -> Bool { (a.host, a.policy) < (b.host, b.policy) }
    }

    /// What one destination said about one policy's index.
    enum Fetched: Sendable {
        case accepted(LatestIndex)
        case missing
        case refused(String)
    }

    /// A host replacing its index writes the new signature first, then the new index: a reader between
    /// the two sees a signature that does not match. A refused index is read once more after a moment
    /// before it is reported, so a backup finishing during a scan does not raise a false alarm.
    func fetch(host: String, policy: String, at i: Int, now: Date) async -> Fetched {
        let first = await fetchOnce(host: host, policy: policy, at: i, now: now)
        guard case .refused = first else { return first }
        try? await Task.sleep(nanoseconds: 300_000_000)
        return await fetchOnce(host: host, policy: policy, at: i, now: now)
    }

    func fetchOnce(host: String, policy: String, at i: Int, now: Date) async -> Fetched {
        do {
            let signed = try await SignedLatestIndex.fetch(
                from: destinations[i], expecting: .init(host: host, policy: policy, now: now), signers: signers,
                sizeFirst: false)
            return .accepted(signed.index)
        } catch let e as SignedLatestIndex.Refusal {
            return e.missing ? .missing : .refused(e.reason)
        } catch let e as StorageError {
            return .refused(e.message)
        } catch {
            return .refused(String(describing: error))
        }
    }

    /// The newest accepted index wins (by `finished`, then id); the destinations naming it hold it; every
    /// other answer where the policy's folder is becomes a problem line.
    static func entry(
        host: String, policy: String, results: [(Int, Fetched)], names: [String], drill: DrillRecord?
    ) -> FleetEntry {
        var newest: LatestIndex?
        for case (_, .accepted(let index)) in results {
            guard let current = newest else {
                newest = index
                continue
            }
            if (Timestamp.parseISO8601(index.finished) ?? .distantPast, index.id)
                > (Timestamp.parseISO8601(current.finished) ?? .distantPast, current.id)
            {
                newest = index
            }
        }
        var holding: [String] = []
        var problems: [String] = []
        for (i, answer) in results.sorted(by: { $0.0 < $1.0 }) {
            switch answer {
            case .accepted(let index):
                if index.id == newest?.id {
                    holding.append(names[i])
                } else {
                    problems.append("\(names[i]): \(LatestIndex.objectName) names an older backup \(index.id)")
                }
            case .missing:
                problems.append("\(names[i]): \(LatestIndex.objectName) is missing")
            case .refused(let reason):
                problems.append("\(names[i]): \(reason)")
            }
        }
        return FleetEntry(
            host: host, policy: policy, latest: newest, holding: holding, problems: problems, lastDrill: drill)
    }

    enum Listing: Sendable {
        case success([String])
        case failure(String)
    }

    static func listing(_ d: Destination, prefix: String) async -> Listing {
        do {
            return .success(try await d.listFolders(prefix: prefix))
        } catch let e as StorageError {
            return .failure(e.message)
        } catch {
            return .failure(String(describing: error))
        }
    }
}
