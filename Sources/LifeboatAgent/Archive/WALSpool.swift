import Foundation
import LifeboatCore

/// What waits in a policy's WAL spool: sealed files (a message with its signature), and for each the
/// destinations that already hold both. Read from the folder itself; a message without its signature
/// is a push that never finished, and is not shipped.
enum WALSpool {
    /// The sealed files waiting, oldest name first (history files sort after their timeline's segments).
    static func sealed(in dir: String) -> [WALFileName] {
        let entries = Set((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
        return entries.compactMap { WALFileName($0) }
            .filter { entries.contains($0.name + WALArchiveLayout.signatureSuffix) }
            .sorted()
    }

    static func marker(_ name: String, destination: String, in dir: String) -> String {
        "\(dir)/\(name)\(WALArchiveLayout.markerInfix)\(destination)"
    }

    static func isShipped(_ name: String, to destination: String, in dir: String) -> Bool {
        access(marker(name, destination: destination, in: dir), F_OK) == 0
    }

    /// Records that a destination holds the file (an empty marker; losing it only ships again).
    static func markShipped(_ name: String, to destination: String, in dir: String) {
        let fd = open(
            marker(name, destination: destination, in: dir), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd >= 0 { close(fd) }
    }

    /// Removes a file, its signature and its markers: it reached every destination, or is pushed anew.
    static func forget(_ name: String, in dir: String) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        for e in entries where e == name || e.hasPrefix(name + ".") {
            // `<segment>.partial` and `<segment>.<offset>.backup` share a segment's prefix: only ours go.
            let rest = e.dropFirst(name.count)
            if rest.isEmpty || rest == WALArchiveLayout.signatureSuffix || rest.hasPrefix(WALArchiveLayout.markerInfix)
            {
                unlink("\(dir)/\(e)")
            }
        }
    }
}
