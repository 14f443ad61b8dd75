import Foundation
import LifeboatCore

/// Where archived WAL lives and what its signature covers. At a destination a file is two objects,
/// `<host>/<policy>/wal/<timeline>/<name>` (the OpenPGP message: gzip inside, encrypted to the
/// policy's recipients) and `<name>.sig`, written last. The signature is over a short record naming
/// the host, policy, file name and the message's sha256 and size, so a signed message cannot be
/// passed off under another name, policy or host. In the spool the same two files wait, with a
/// `<name>.at-<destination>` marker for each destination that has both.
enum WALArchiveLayout {
    /// The folder of a policy's WAL at a destination: `<host>/<policy>/wal/`.
    static func prefix(host: String, policy: String) -> String { "\(host)/\(policy)/wal/" }

    /// The object key of a file's message.
    static func key(host: String, policy: String, file: WALFileName) -> String {
        prefix(host: host, policy: policy) + timelineFolder(file.timeline) + "/" + file.name
    }

    /// The timeline's folder: its 8 hexadecimal digits, as in the file names.
    static func timelineFolder(_ timeline: UInt32) -> String {
        let s = String(timeline, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 8 - s.count)) + s
    }

    static let signatureSuffix = ".sig"
    static let markerInfix = ".at-"

    /// A policy's WAL spool: `<spool>/.wal/<policy>` (a dot folder, which the backup spool sweep leaves alone).
    static func spool(_ spool: String, policy: String) -> String { "\(spool)/.wal/\(policy)" }

    /// The bytes a file's signature covers.
    static func signedRecord(host: String, policy: String, file: WALFileName, sha256: String, size: Int64) -> [UInt8] {
        Array(
            "lifeboat-wal 1\nhost \(host)\npolicy \(policy)\nname \(file.name)\nsha256 \(sha256)\nsize \(size)\n".utf8)
    }
}
