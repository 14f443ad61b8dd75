/// What an rclone exit status means for Lifeboat: rclone documents 3 (directory not found) and 4 (file not
/// found), 5 (temporary: a retry may help), 7 (fatal: retries will not) and 8 (transfer limit reached);
/// 1 is both a usage error and "could not connect", which only its message tells apart.
enum RcloneExit {
    /// How a failed run is classified; `notFound` only where the caller asked about one object.
    static func kind(status code: Int32, stderr: String) -> StorageError.Kind {
        switch code {
        case 3, 4: return .notFound
        case 7, 8: return .permanent
        case 1:
            let permanent = [
                "didn't find section in config file", "unknown flag", "unknown command", "unknown shorthand",
                "accepts ", "requires ", "couldn't find type", "permission denied", "Permission denied",
                "config file", "failed to read private key", "unable to authenticate",
            ]
            return permanent.contains(where: stderr.contains) ? .permanent : .transient
        default:
            return stderr.contains("permission denied") || stderr.contains("Permission denied")
                ? .permanent : .transient
        }
    }
}
