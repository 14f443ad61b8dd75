/// Where rclone itself can read a destination's objects, so that a copy into an rclone destination can
/// be left to rclone: one process reads each chunk from the source and writes it to the target, instead
/// of Lifeboat reading it and handing it on. Lifeboat still checks every chunk: rclone hashes the bytes
/// on their way (`RcloneDestination.copyIn`) and the sha256 must be the signed manifest's.
///
/// `fs` is an rclone path of the folder the destination's keys are relative to: a remote of a config
/// file, or a connection string that carries its settings (and, for S3, its keys). It is sent to the
/// daemon over its private socket only, never on a command line nor into a log line.
package struct RcloneSource: Sendable, Equatable {
    /// The rclone path keys are relative to.
    package let fs: String
    /// The rclone config file `fs` names a remote of; nil when `fs` needs none.
    package let config: String?
    /// A name for messages, free of secrets.
    package let label: String

    package init(fs: String, config: String?, label: String) {
        self.fs = fs
        self.config = config
        self.label = label
    }

    /// `value` as one value of an rclone connection string: in single quotes, a quote inside doubled.
    package static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

/// A destination whose objects rclone can read by itself; nil when this one cannot be described to it.
package protocol RcloneReadable: Destination {
    var rcloneSource: RcloneSource? { get }
}

extension LocalDestination: RcloneReadable {
    /// rclone's local backend at the same root (an absolute path only).
    package var rcloneSource: RcloneSource? {
        guard root.hasPrefix("/") else { return nil }
        return RcloneSource(fs: ":local:" + root, config: nil, label: "local folder \(root)")
    }
}

extension RcloneDestination: RcloneReadable {
    /// The same remote; usable only by a daemon that reads the same config file.
    package var rcloneSource: RcloneSource? {
        RcloneSource(fs: remote, config: config, label: "rclone remote \(remote)")
    }
}
