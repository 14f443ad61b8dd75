/// The rule every destination applies to an object key before it becomes a path or a URL: keys are
/// relative, `/`-separated, with no empty, `.` or `..` segment and no control characters. A key that
/// breaks it (from a hostile manifest or listing, or a bug) is refused, never normalised.
package enum ObjectKey {
    package static func isValid(_ key: String) -> Bool {
        guard !key.isEmpty, key.utf8.count <= 1024, !key.hasPrefix("/") else { return false }
        guard !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        return !key.split(separator: "/", omittingEmptySubsequences: false).contains {
            $0.isEmpty || $0 == "." || $0 == ".."
        }
    }

    /// Throws a permanent `StorageError` naming the key when it is not valid.
    package static func check(_ key: String, destination: String) throws {
        guard isValid(key) else {
            throw StorageError(.permanent, destination: destination, "refusing object key \(key.debugDescription)")
        }
    }
}
