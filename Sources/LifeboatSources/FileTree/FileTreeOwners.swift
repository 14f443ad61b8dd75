#if canImport(Glibc)
    import Glibc
#endif

/// Looks up user and group names for ids once each, so tar headers carry uname and gname.
final class FileTreeOwners {
    private var users: [uid_t: String] = [:]
    private var groups: [gid_t: String] = [:]

    func user(_ uid: uid_t) -> String {
        if let name = users[uid] { return name }
        let name = Self.name(of: uid, passwd(), getpwuid_r, \.pw_name)
        users[uid] = name
        return name
    }

    func group(_ gid: gid_t) -> String {
        if let name = groups[gid] { return name }
        let name = Self.name(of: gid, Glibc.group(), getgrgid_r, \.gr_name)
        groups[gid] = name
        return name
    }

    /// One reentrant lookup (`getpwuid_r`, `getgrgid_r`) into `entry`: the name it finds, or "" when none.
    private static func name<Entry>(
        of id: UInt32, _ entry: Entry,
        _ lookup: (
            UInt32, UnsafeMutablePointer<Entry>, UnsafeMutablePointer<CChar>, Int,
            UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>
        ) -> Int32,
        _ field: (Entry) -> UnsafeMutablePointer<CChar>?
    ) -> String {
        var entry = entry
        var result: UnsafeMutablePointer<Entry>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard lookup(id, &entry, &buffer, buffer.count, &result) == 0, result != nil, let p = field(entry) else {
            return ""
        }
        return String(cString: p)
    }
}
