import Foundation
import LifeboatCore

extension FleetScan {
    /// Adds to each trusted postgres or mariadb entry what its destinations hold of its archived WAL or
    /// binary logs, probing only the destinations that hold the policy's folder. A destination without
    /// the archive, when another has it (or when the index names a physical base backup, which is useless
    /// without WAL), is kept as one with no file, so the archive is judged as missing there.
    func withArchives(_ entries: [FleetEntry], at found: [Pair: [Int]], now: Date) async -> [FleetEntry] {
        let work: [(entry: Int, destination: Int)] = entries.indices.flatMap {
            i -> [(entry: Int, destination: Int)] in
            guard let kind = entries[i].latest?.kind, kind == "postgres" || kind == "mariadb" else { return [] }
            let pair = Pair(host: entries[i].host, policy: entries[i].policy)
            return found[pair, default: []].sorted().map { (entry: i, destination: $0) }
        }
        let probed = await BoundedTasks.map(work, limit: Self.inFlight) { item in
            let e = entries[item.entry]
            let probe = FleetArchiveProbe(destination: destinations[item.destination], signers: signers, now: now)
            if e.latest?.kind == "postgres" {
                return await probe.wal(host: e.host, policy: e.policy, base: e.latest?.wal)
            }
            return await probe.binlog(host: e.host, policy: e.policy, start: e.latest?.binlog)
        }
        var out = entries
        for i in entries.indices {
            let mine = zip(work, probed).filter { $0.0.entry == i }
            let expected = entries[i].latest?.wal != nil
            guard expected || mine.contains(where: { $0.1 != nil }) else { continue }
            let kind: FleetArchive.Kind = entries[i].latest?.kind == "postgres" ? .wal : .binlog
            let noun = kind == .wal ? "archived WAL" : "archived binary logs"
            out[i].archive = FleetArchive(
                kind: kind,
                destinations: mine.map { pair -> FleetArchive.AtDestination in
                    let name = destinations[pair.0.destination].name
                    return pair.1
                        ?? FleetArchive.AtDestination(
                            destination: name, newest: nil, firstMissing: nil, notes: ["\(name): no \(noun)"])
                })
        }
        return out
    }
}
