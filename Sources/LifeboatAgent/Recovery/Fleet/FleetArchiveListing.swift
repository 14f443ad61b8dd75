import LifeboatCore

/// Reads a destination's listing of a policy's archive as hostile input: only names the agent itself
/// could have written, directly in the folder listed, with their signature or manifest beside them, are
/// candidates; everything else is skipped and counted, never joined to a key. Pure, so it is tested
/// without a destination.
package enum FleetArchiveListing {
    /// What a listing gave: the candidates and how many keys were skipped as not the agent's.
    package struct Result<Name: Sendable & Equatable>: Sendable, Equatable {
        package var names: [Name]
        package var skipped: Int
    }

    /// The timelines among the folder names under `<host>/<policy>/wal/`, newest first: 8 upper-case
    /// hexadecimal digits, from 1.
    package static func timelines(_ folders: [String]) -> Result<UInt32> {
        var out: [UInt32] = []
        var skipped = 0
        for f in folders {
            if f.utf8.count == 8, f.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) }),
                let t = UInt32(f, radix: 16), t >= 1, WALArchiveLayout.timelineFolder(t) == f
            {
                out.append(t)
            } else {
                skipped += 1
            }
        }
        return Result(names: out.sorted(by: >), skipped: skipped)
    }

    /// The WAL files of `timeline` in a listing of `folder` (`<host>/<policy>/wal/<timeline>/`) whose
    /// `.sig` is there too, sorted by name (the archive's order). A key that is neither such a file nor
    /// its signature is skipped.
    package static func walFiles(_ keys: [String], folder: String, timeline: UInt32) -> Result<WALFileName> {
        let present = Set(keys)
        var out: [WALFileName] = []
        var skipped = 0
        for key in keys {
            guard key.hasPrefix(folder) else {
                skipped += 1
                continue
            }
            let rest = String(key.dropFirst(folder.utf8.count))
            let isSignature = rest.hasSuffix(WALArchiveLayout.signatureSuffix)
            let name = isSignature ? String(rest.dropLast(WALArchiveLayout.signatureSuffix.count)) : rest
            guard let file = WALFileName(name), file.timeline == timeline else {
                skipped += 1
                continue
            }
            if !isSignature, present.contains(key + WALArchiveLayout.signatureSuffix) { out.append(file) }
        }
        return Result(names: out.sorted(), skipped: skipped)
    }

    /// The binary logs in a listing of `folder` (`<host>/<policy>/binlog/`) whose `manifest.json` is
    /// there (it lands last), sorted by sequence. Keys under a folder that is not a log's name are skipped.
    package static func binlogs(_ keys: [String], folder: String) -> Result<String> {
        var names: Set<String> = []
        var skipped: Set<String> = []
        for key in keys {
            guard key.hasPrefix(folder) else {
                skipped.insert(key)
                continue
            }
            let parts = key.dropFirst(folder.utf8.count).split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, BinlogPosition.isLogName(String(parts[0])) else {
                skipped.insert(String(parts.first ?? ""))
                continue
            }
            if parts[1] == "manifest.json" { names.insert(String(parts[0])) }
        }
        let sorted = names.sorted {
            (BinlogPosition.sequence(of: $0) ?? 0, $0) < (BinlogPosition.sequence(of: $1) ?? 0, $1)
        }
        return Result(names: sorted, skipped: skipped.count)
    }
}
