import Foundation

/// The plaintext a killed restore leaves beside its target (`<target>.lifeboat-partial-<pid>/`): the
/// restore notes that folder's path in its work folder, and the sweep of a dead work folder removes it.
/// Only a path of exactly that shape, a real folder of this user, is ever removed.
enum RestoreStaging {
    static let noteName = "staging"

    /// Removes the staging folder a dead restore's work folder names; returns its path when it did.
    static func sweep(work: String) -> String? {
        guard let path = try? String(contentsOfFile: "\(work)/\(noteName)", encoding: .utf8), isStagingPath(path) else {
            return nil
        }
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_uid == geteuid(),
            (try? FileManager.default.removeItem(atPath: path)) != nil
        else { return nil }
        return path
    }

    /// `/…/<name>.lifeboat-partial-<digits>`, absolute or relative, with no `..` anywhere.
    static func isStagingPath(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let leaf = parts.last, !parts.contains(".."), let range = leaf.range(of: ".lifeboat-partial-") else {
            return false
        }
        let digits = leaf[range.upperBound...]
        return range.lowerBound > leaf.startIndex && !digits.isEmpty && digits.allSatisfy(\.isNumber)
    }
}
