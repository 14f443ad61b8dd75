#if canImport(Glibc)
import Glibc
#endif

/// Looks up user and group names for ids once each, so tar headers carry uname and gname.
final class FileTreeOwners {
    private var users: [uid_t: String] = [:]
    private var groups: [gid_t: String] = [:]

    func user(_ uid: uid_t) -> String {
        if let name = users[uid] { return name }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        var name = ""
        if getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let p = entry.pw_name {
            name = String(cString: p)
        }
        users[uid] = name
        return name
    }

    func group(_ gid: gid_t) -> String {
        if let name = groups[gid] { return name }
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        var name = ""
        if getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let p = entry.gr_name {
            name = String(cString: p)
        }
        groups[gid] = name
        return name
    }
}
